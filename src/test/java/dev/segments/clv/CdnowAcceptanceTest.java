package dev.segments.clv;

import static dev.segments.Columns.CHURN_RISK;
import static dev.segments.Columns.CLV;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EXPECTED_ORDER_VALUE;
import static dev.segments.Columns.EXPECTED_PURCHASES;
import static dev.segments.Columns.MEAN_REPEAT_VALUE;
import static dev.segments.Columns.P_ALIVE;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static dev.segments.Columns.T_WEEKS;
import static dev.segments.Columns.T_X_WEEKS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.segments.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CDNOW sample of Fader, Hardie and Lee (2005): 2357 customers, calibration to 1997-09-30. The
 * expected values are the published ones, not produced by this code.
 */
class CdnowAcceptanceTest {

  @Test
  void inputsEqualThePublishedSummaryForEveryCustomer() {
    Map<Integer, Cdnow.Summary> published = Cdnow.publishedSummary();
    List<Row> ours =
        ClvInputs.compute(Cdnow.sampleLines(true), Cdnow.CALIBRATION_END).collectAsList();

    assertThat(ours).hasSize(published.size()).hasSize(2357);
    List<String> mismatches = new ArrayList<>();
    for (Row row : ours) {
      int id = Integer.parseInt(row.getAs(CUSTOMER_ID));
      Cdnow.Summary s = published.get(id);
      long x = row.getAs(REPEAT_PURCHASES);
      double tx = row.getAs(T_X_WEEKS);
      double t = row.getAs(T_WEEKS);
      Double m = row.getAs(MEAN_REPEAT_VALUE);
      // The summary rounds to 2 decimals and writes zbar = 0 where there is no repeat purchase.
      boolean same =
          s != null
              && x == s.x()
              && Math.abs(tx - s.tx()) <= 0.005 + 1e-9
              && Math.abs(t - s.t()) <= 0.005 + 1e-9
              && (x == 0 ? m == null : Math.abs(m - s.zbar()) <= 0.005 + 1e-9);
      if (!same) {
        mismatches.add(id + ": ours " + x + "," + tx + "," + t + "," + m + " published " + s);
      }
    }
    assertThat(mismatches).isEmpty();
  }

  /** 39 weeks ahead, the holdout length of FHL 2005, to compare with their example customer. */
  private static final ClvSettings SETTINGS = new ClvSettings(39, 12, 0.10, null, null, null, null, null, null);

  private static CustomerClv.Result result;

  @BeforeAll
  static void fit() {
    result = CustomerClv.compute(SETTINGS, Cdnow.sampleLines(false), Cdnow.CALIBRATION_END);
  }

  @Test
  void fitsThePublishedParameters() {
    ClvModel m = result.model();

    assertThat(m.status()).isEqualTo(ClvModel.FITTED);
    assertThat(m.customers()).isEqualTo(2357);
    assertThat(m.repeatBuyers()).isEqualTo(946);
    BgNbd.Params bg = Cdnow.PUBLISHED_BGNBD;
    assertThat(m.r()).isCloseTo(bg.r(), withinPercentage(1));
    assertThat(m.alpha()).isCloseTo(bg.alpha(), withinPercentage(1));
    assertThat(m.a()).isCloseTo(bg.a(), withinPercentage(1));
    assertThat(m.b()).isCloseTo(bg.b(), withinPercentage(1));
    assertThat(m.bgnbdLogLikelihood()).isCloseTo(Cdnow.PUBLISHED_BGNBD_LOG_LIKELIHOOD, within(0.5));
    GammaGamma.Params gg = Cdnow.PUBLISHED_GAMMA_GAMMA;
    assertThat(m.p()).isCloseTo(gg.p(), withinPercentage(1));
    assertThat(m.q()).isCloseTo(gg.q(), withinPercentage(1));
    assertThat(m.gamma()).isCloseTo(gg.gamma(), withinPercentage(1));

    Row model = m.toDataset(TestSpark.spark()).collectAsList().get(0);
    assertThat(model.<String>getAs("status")).isEqualTo("fitted");
    assertThat(model.<Double>getAs("r")).isEqualTo(m.r());
    assertThat(model.<Long>getAs("repeat_buyers")).isEqualTo(946L);
  }

  @Test
  void predictsThePublishedExampleCustomer() {
    // Customer 00004 is ID 1 of the published summary: x = 2, t_x = 30.43, T = 38.86, zbar = 22.35.
    Row c = result.customers().where(col(CUSTOMER_ID).equalTo("00004")).collectAsList().get(0);
    // FHL 2005: 1.226 purchases expected in the next 39 weeks at the published parameters; ours
    // differ from those by under 0.2%.
    assertThat(c.<Double>getAs(EXPECTED_PURCHASES)).isCloseTo(1.226, within(0.005));
    // 1 / (1 + a/(b+1) ((α+T)/(α+t_x))^(r+2)) = 0.7266 at the published parameters.
    assertThat(c.<Double>getAs(P_ALIVE)).isCloseTo(0.7266, within(0.002));
    assertThat(c.<String>getAs(CHURN_RISK)).isEqualTo("low"); // 0.7266 >= 0.7
    // p(γ + x m) / (px + q - 1) = 6.25 (15.44 + 44.70) / 15.24 = 24.66 at the published parameters.
    double orderValue = c.getAs(EXPECTED_ORDER_VALUE);
    assertThat(orderValue).isCloseTo(24.66, within(0.05));
    // 12 months of expected purchases, each month discounted at (1.10)^(1/12) - 1.
    ClvModel m = result.model();
    BgNbd.Params fitted = new BgNbd.Params(m.r(), m.alpha(), m.a(), m.b());
    double monthly = Math.pow(1.10, 1.0 / 12) - 1;
    double discounted = 0;
    for (int month = 1; month <= 12; month++) {
      double weeks = 365.25 / 12 / 7;
      double inMonth =
          BgNbd.expectedPurchases(fitted, month * weeks, 2, 30.43, 38.86)
              - BgNbd.expectedPurchases(fitted, (month - 1) * weeks, 2, 30.43, 38.86);
      discounted += inMonth / Math.pow(1 + monthly, month);
    }
    // t_x and T are exact day counts here, 30.43 and 38.86 rounded: a small tolerance.
    assertThat(c.<Double>getAs(CLV)).isCloseTo(orderValue * discounted, within(0.01));
  }

  @Test
  void everyCustomerHasFinitePredictionsAndAConsistentLabel() {
    Dataset<Row> table = result.customers();
    Column anyMissing = lit(false);
    for (String column : new String[] {P_ALIVE, EXPECTED_PURCHASES, EXPECTED_ORDER_VALUE, CLV}) {
      anyMissing = anyMissing.or(col(column).isNull()).or(isnan(col(column)));
    }
    Column label =
        when(col(P_ALIVE).lt(0.3), lit("high"))
            .when(col(P_ALIVE).lt(0.7), lit("medium"))
            .otherwise(lit("low"));
    Row counts =
        table
            .agg(
                count(lit(1)),
                sum(when(anyMissing, 1).otherwise(0)),
                sum(when(col(CHURN_RISK).equalTo(label), 0).otherwise(1)),
                min(col(P_ALIVE)),
                max(col(P_ALIVE)),
                sum(
                    when(col(REPEAT_PURCHASES).equalTo(0).and(col(P_ALIVE).notEqual(1.0)), 1)
                        .otherwise(0)))
            .collectAsList()
            .get(0);
    assertThat(counts.getLong(0)).isEqualTo(2357);
    assertThat(counts.getLong(1)).isZero();
    assertThat(counts.getLong(2)).isZero();
    assertThat(counts.getDouble(3)).isGreaterThan(0.0);
    assertThat(counts.getDouble(4)).isEqualTo(1.0);
    assertThat(counts.getLong(5)).isZero();
  }
}
