package dev.segments.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.segments.TestSpark;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;

/**
 * The full CDNOW master file (23,570 customers, of which the sample is a 1/10 draw). The fit must
 * run as Spark aggregations: no task may send more than a handful of sums back to the driver.
 */
class CdnowMasterTest {
  @Test
  void fitsTheMasterFileThroughSparkAggregationsOnly() throws Exception {
    SparkContext sc = TestSpark.spark().sparkContext();
    AtomicLong tasks = new AtomicLong();
    AtomicLong largestResult = new AtomicLong();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            tasks.incrementAndGet();
            if (end.taskMetrics() != null) {
              largestResult.accumulateAndGet(end.taskMetrics().resultSize(), Math::max);
            }
          }
        };
    sc.addSparkListener(listener);
    ClvModel m;
    try {
      m =
          CustomerClv.compute(ClvSettings.defaults(), Cdnow.masterLines(), Cdnow.CALIBRATION_END)
              .model();
      // Listener events arrive asynchronously; every task of the fit must be counted.
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(listener);
    }

    assertThat(m.status()).isEqualTo(ClvModel.FITTED);
    assertThat(m.customers()).isEqualTo(23_570);
    // A 1/10 random draw of the same customers: the estimates agree loosely, not exactly.
    BgNbd.Params bg = Cdnow.PUBLISHED_BGNBD;
    assertThat(m.r()).isCloseTo(bg.r(), withinPercentage(25));
    assertThat(m.alpha()).isCloseTo(bg.alpha(), withinPercentage(25));
    assertThat(m.a()).isCloseTo(bg.a(), withinPercentage(25));
    assertThat(m.b()).isCloseTo(bg.b(), withinPercentage(25));
    GammaGamma.Params gg = Cdnow.PUBLISHED_GAMMA_GAMMA;
    assertThat(m.p()).isCloseTo(gg.p(), withinPercentage(25));
    assertThat(m.q()).isCloseTo(gg.q(), withinPercentage(25));
    assertThat(m.gamma()).isCloseTo(gg.gamma(), withinPercentage(25));
    // 23,570 customers as rows would be hundreds of kilobytes; a partial likelihood sum is five
    // doubles plus the task's metrics.
    assertThat(tasks.get()).isPositive();
    assertThat(largestResult.get()).isLessThan(64 * 1024);
  }
}
