package dev.segments.segment;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.clean.Cleaner;
import dev.segments.config.ConfigLoader;
import dev.segments.config.SegmentsConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every family at its boundaries, against the domain guide's default rules, computed by hand. */
class RuleFamiliesTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("r_score", DataTypes.IntegerType)
          .add("f_score", DataTypes.IntegerType)
          .add("m_score", DataTypes.IntegerType)
          .add("aov_score", DataTypes.IntegerType)
          .add("cost_score", DataTypes.IntegerType)
          .add("tenure_score", DataTypes.IntegerType)
          .add("monetary", Cleaner.MONEY_TYPE)
          .add("recency_days", DataTypes.IntegerType)
          .add("frequency", DataTypes.LongType)
          .add("mean_days_between_orders", DataTypes.DoubleType)
          .add("tenure_days", DataTypes.IntegerType)
          .add("recent_value", Cleaner.MONEY_TYPE)
          .add("prior_value", Cleaner.MONEY_TYPE);

  private static final SegmentsConfig.Segments DEFAULTS =
      ConfigLoader.parse("columns: {customer-id: c, timestamp: t, line-amount: a}").segments();
  private static final RuleFamilies.MonetaryCuts CUTS = new RuleFamilies.MonetaryCuts(100, 500, 100);

  /** A customer: scores r f m aov cost tenure, then monetary, recency, frequency, interval, tenure days, recent, prior. */
  private static Object[] c(
      String id, int r, int f, int m, int aov, int cost, int t, String monetary, int recency, long frequency,
      Double interval, int tenure, String recent, String prior) {
    return new Object[] {
      id, r, f, m, aov, cost, t, new BigDecimal(monetary), recency, frequency, interval, tenure,
      new BigDecimal(recent), new BigDecimal(prior)
    };
  }

  /** A neutral customer, changed by the caller where a test looks. */
  private static Object[] base(String id) {
    return c(id, 3, 3, 3, 3, 3, 3, "50", 30, 3L, 20.0, 400, "10", "10");
  }

  private static Object[] with(Object[] row, int index, Object value) {
    Object[] copy = row.clone();
    copy[index] = value;
    return copy;
  }

  private static Map<String, String> labels(String family, Object[]... customers) {
    List<Row> out = RuleFamilies.assign(rows(SCHEMA, customers), DEFAULTS, CUTS).collectAsList();
    return out.stream().collect(Collectors.toMap(r -> r.getAs("customer_id"), r -> r.getAs(family)));
  }

  @Test
  void customerClassFromFourDimensionScoresWithRelationshipRoundedHalfUp() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(c("best", 4, 4, 1, 4, 4, 4, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("bestHalfUp", 4, 4, 1, 4, 4, 3, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("potential", 3, 4, 1, 4, 4, 3, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("worst", 2, 2, 5, 2, 2, 2, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("averageHalfUp", 2, 2, 5, 2, 2, 3, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("average", 5, 1, 1, 1, 1, 1, "1", 1, 2L, 1.0, 400, "0", "0"));
    rows.add(c("potentialByRelationship", 5, 1, 1, 1, 1, 4, "1", 1, 2L, 1.0, 400, "0", "0"));
    assertThat(labels("customer_class", rows.toArray(Object[][]::new)))
        .containsEntry("best", "Best")
        .containsEntry("bestHalfUp", "Best")
        .containsEntry("potential", "Potential")
        .containsEntry("worst", "Worst")
        .containsEntry("averageHalfUp", "Average")
        .containsEntry("average", "Average")
        .containsEntry("potentialByRelationship", "Potential");
  }

  @Test
  void quadrantSplitsAtTheMonetaryPercentileAndMeanRfOfThree() {
    assertThat(
            labels(
                "quadrant",
                with(with(with(base("friend"), 7, new BigDecimal("100")), 1, 3), 2, 3),
                with(with(with(base("butterfly"), 7, new BigDecimal("100")), 1, 3), 2, 2),
                with(with(with(base("barnacle"), 7, new BigDecimal("99.99")), 1, 4), 2, 2),
                with(with(with(base("stranger"), 7, new BigDecimal("99.99")), 1, 1), 2, 4)))
        .containsEntry("friend", "True Friends")
        .containsEntry("butterfly", "Butterflies")
        .containsEntry("barnacle", "Barnacles")
        .containsEntry("stranger", "Strangers");
  }

  @Test
  void loyaltyClassesInOrder() {
    Object[] loyal = with(with(with(base("loyal"), 2, 4), 3, 4), 11, 180);
    assertThat(
            labels(
                "loyalty_class",
                with(base("lostByYear"), 8, 366),
                with(with(base("lostByCycle"), 8, 91), 10, 30.0),
                with(with(with(base("notLostAt90"), 8, 90), 10, 10.0), 2, 2),
                with(with(with(base("singleNotLost"), 8, 365), 9, 1L), 10, null),
                loyal,
                with(with(loyal, 0, "young"), 11, 179),
                with(with(base("frequentPotential"), 2, 3), 11, 400),
                with(with(base("marginal"), 2, 2), 11, 400)))
        .containsEntry("lostByYear", "Lost")
        .containsEntry("lostByCycle", "Lost")
        .containsEntry("notLostAt90", "Marginal")
        .containsEntry("singleNotLost", "Potential")
        .containsEntry("loyal", "Loyal")
        .containsEntry("young", "Potential")
        .containsEntry("frequentPotential", "Potential")
        .containsEntry("marginal", "Marginal");
  }

  @Test
  void valueTiersAtTheirPercentiles() {
    assertThat(
            labels(
                "value_tier",
                with(base("high"), 7, new BigDecimal("500")),
                with(base("mid"), 7, new BigDecimal("499.99")),
                with(base("midLow"), 7, new BigDecimal("100")),
                with(base("low"), 7, new BigDecimal("99.99"))))
        .containsEntry("high", "High")
        .containsEntry("mid", "Mid")
        .containsEntry("midLow", "Mid")
        .containsEntry("low", "Low");
  }

  @Test
  void valueTrendComparesTheRecentWindowWithThePriorOne() {
    assertThat(
            labels(
                "value_trend",
                with(with(base("equal120"), 12, new BigDecimal("120")), 13, new BigDecimal("100")),
                with(with(base("rising"), 12, new BigDecimal("120.01")), 13, new BigDecimal("100")),
                with(with(base("fromNothing"), 12, new BigDecimal("1")), 13, new BigDecimal("0")),
                with(with(base("declining"), 12, new BigDecimal("79.99")), 13, new BigDecimal("100")),
                with(with(base("equal80"), 12, new BigDecimal("80")), 13, new BigDecimal("100")),
                with(with(base("bothZero"), 12, new BigDecimal("0")), 13, new BigDecimal("0"))))
        .containsEntry("equal120", "Stable")
        .containsEntry("rising", "Rising")
        .containsEntry("fromNothing", "Rising")
        .containsEntry("declining", "Declining")
        .containsEntry("equal80", "Stable")
        .containsEntry("bothZero", "Stable");
  }

  @Test
  void lifecycleStagesInOrder() {
    Object[] rising = with(with(base("growing"), 12, new BigDecimal("50")), 13, new BigDecimal("10"));
    assertThat(
            labels(
                "lifecycle_stage",
                with(with(base("churned"), 8, 366), 11, 10),
                with(with(base("mature"), 8, 365), 10, 200.0),
                with(base("new"), 11, 89),
                with(with(base("lapsing"), 8, 41), 10, 20.0),
                with(with(base("notLapsing"), 8, 40), 10, 20.0),
                with(with(with(base("singleLapsing"), 9, 1L), 10, null), 8, 181),
                with(with(with(base("singleMature"), 9, 1L), 10, null), 8, 180),
                rising))
        .containsEntry("churned", "Churned")
        .containsEntry("mature", "Mature")
        .containsEntry("new", "New")
        .containsEntry("lapsing", "Lapsing")
        .containsEntry("notLapsing", "Mature")
        .containsEntry("singleLapsing", "Lapsing")
        .containsEntry("singleMature", "Mature")
        .containsEntry("growing", "Growing");
  }

  @Test
  void purchasePattern() {
    assertThat(
            labels(
                "purchase_pattern",
                with(with(base("once"), 9, 1L), 2, 5),
                with(base("occasional"), 2, 3),
                with(base("frequent"), 2, 4)))
        .containsEntry("once", "One-time")
        .containsEntry("occasional", "Occasional")
        .containsEntry("frequent", "Frequent");
  }
}
