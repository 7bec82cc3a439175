package dev.segments.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Times the stages of a run, labels their Spark jobs, and logs one line per stage. */
final class StageTimer {
  private static final Logger LOG = LoggerFactory.getLogger("segments");

  private final SparkSession spark;
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private final long start = System.nanoTime();

  StageTimer(SparkSession spark) {
    this.spark = spark;
  }

  <T> T time(String stage, Supplier<T> work) {
    spark.sparkContext().setJobDescription("segments: " + stage);
    long begin = System.nanoTime();
    try {
      return work.get();
    } finally {
      long elapsed = (System.nanoTime() - begin) / 1_000_000;
      millis.merge(stage, elapsed, Long::sum);
      spark.sparkContext().setJobDescription(null);
    }
  }

  void time(String stage, Runnable work) {
    time(
        stage,
        () -> {
          work.run();
          return null;
        });
  }

  void log(String stage, String numbers) {
    LOG.info(
        "{} done in {} s (run at {} s){}",
        stage,
        String.format("%.1f", millis.getOrDefault(stage, 0L) / 1000.0),
        String.format("%.1f", (System.nanoTime() - start) / 1e9),
        numbers.isEmpty() ? "" : ": " + numbers);
  }

  Map<String, Long> ordered() {
    return new LinkedHashMap<>(millis);
  }
}
