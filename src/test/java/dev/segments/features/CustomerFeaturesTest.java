package dev.segments.features;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segments.clean.Cleaner;
import dev.segments.config.SegmentsConfig.Features;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CustomerFeaturesTest {
  static final StructType LINES =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("order_key", DataTypes.StringType)
          .add("order_id", DataTypes.StringType)
          .add("product_id", DataTypes.StringType)
          .add("event_ts", DataTypes.TimestampType)
          .add("event_date", DataTypes.DateType)
          .add("quantity", Cleaner.QUANTITY_TYPE)
          .add("unit_price", Cleaner.PRICE_TYPE)
          .add("line_amount", Cleaner.MONEY_TYPE);

  static Object[] line(String customer, String order, String date, String quantity, String amount) {
    return new Object[] {
      customer, order, order, "P", Timestamp.valueOf(date + " 12:00:00"), Date.valueOf(date),
      new BigDecimal(quantity), null, new BigDecimal(amount)
    };
  }

  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);

  private static Map<String, Row> features() {
    Dataset<Row> lines =
        rows(
            LINES,
            line("a", "o1", "2024-01-01", "2", "10.00"),
            line("a", "o1", "2024-01-01", "1", "5.50"),
            line("a", "o2", "2024-02-15", "1", "20.00"),
            line("a", "r1", "2024-03-01", "-1", "-5.50"),
            line("a", "o3", "2024-03-31", "1", "0.00"),
            line("a", "o4", "2024-04-01", "1", "100.00"),
            line("b", "r2", "2024-03-10", "-1", "-3.00"),
            line("c", "o5", "2023-12-31", "1", "7.00"));
    return CustomerFeatures.compute(lines, AS_OF, new Features(30, null)).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("customer_id"), r -> r));
  }

  @Test
  void measuresEachDimensionAsOfTheDate() {
    Row a = features().get("a");
    assertThat((Date) a.getAs("as_of")).isEqualTo(Date.valueOf(AS_OF));
    assertThat((Integer) a.getAs("recency_days")).isEqualTo(0);
    assertThat((Long) a.getAs("frequency")).isEqualTo(3L);
    assertThat((BigDecimal) a.getAs("monetary")).isEqualByComparingTo("30.00");
    assertThat((Date) a.getAs("first_purchase_date")).isEqualTo(Date.valueOf("2024-01-01"));
    assertThat((Date) a.getAs("last_purchase_date")).isEqualTo(Date.valueOf("2024-03-31"));
    assertThat((Integer) a.getAs("tenure_days")).isEqualTo(90);
    assertThat((BigDecimal) a.getAs("purchased_value")).isEqualByComparingTo("35.50");
    assertThat((BigDecimal) a.getAs("returned_value")).isEqualByComparingTo("5.50");
    assertThat((BigDecimal) a.getAs("avg_order_value")).isEqualByComparingTo("11.833333");
    assertThat((Double) a.getAs("return_rate")).isCloseTo(5.5 / 35.5, within(1e-12));
    assertThat((Double) a.getAs("mean_days_between_orders")).isEqualTo(45.0);
  }

  @Test
  void trendWindowsSplitAtTheirBoundaries() {
    Row a = features().get("a");
    // recent = (D-30, D]: only the free item; 2024-03-01 is exactly 30 days back, so prior.
    assertThat((BigDecimal) a.getAs("recent_value")).isEqualByComparingTo("0");
    assertThat((BigDecimal) a.getAs("prior_value")).isEqualByComparingTo("14.50");
    Row c = features().get("c");
    assertThat((BigDecimal) c.getAs("recent_value")).isEqualByComparingTo("0");
    assertThat((BigDecimal) c.getAs("prior_value")).isEqualByComparingTo("0");
  }

  @Test
  void aSingleOrderHasNoIntervalAndReturnsOnlyCustomersAreNotScored() {
    Map<String, Row> all = features();
    Row c = all.get("c");
    assertThat((Integer) c.getAs("recency_days")).isEqualTo(91);
    assertThat((Integer) c.getAs("tenure_days")).isEqualTo(91);
    assertThat((Object) c.getAs("mean_days_between_orders")).isNull();
    assertThat((Double) c.getAs("return_rate")).isEqualTo(0.0);
    Row b = all.get("b");
    assertThat((Long) b.getAs("frequency")).isEqualTo(0L);
    assertThat((BigDecimal) b.getAs("monetary")).isEqualByComparingTo("-3.00");
    assertThat((Double) b.getAs("return_rate")).isEqualTo(0.0);
    assertThat(all).hasSize(3);
  }

  @Test
  void anOrderSpanningTwoDaysCountsOnceAndAMixedOrderSplitsIntoPurchasesAndReturns() {
    Dataset<Row> lines =
        rows(
            LINES,
            // o1 has lines on two days (delivered late); o2 mixes a purchase and a return line.
            line("a", "o1", "2024-03-01", "2", "10.00"),
            line("a", "o1", "2024-03-02", "1", "4.00"),
            line("a", "o2", "2024-03-05", "3", "30.00"),
            line("a", "o2", "2024-03-05", "-1", "-10.00"),
            // r1 is a return only: no order bought, the last purchase date stays 03-05.
            line("a", "r1", "2024-03-20", "-1", "-4.00"));
    Row a = CustomerFeatures.compute(lines, AS_OF, new Features(30, null)).first();
    assertThat((Long) a.getAs("frequency")).isEqualTo(2L);
    assertThat((Date) a.getAs("first_purchase_date")).isEqualTo(Date.valueOf("2024-03-01"));
    assertThat((Date) a.getAs("last_purchase_date")).isEqualTo(Date.valueOf("2024-03-05"));
    assertThat((BigDecimal) a.getAs("monetary")).isEqualByComparingTo("30.00");
    assertThat((BigDecimal) a.getAs("purchased_value")).isEqualByComparingTo("44.00");
    assertThat((BigDecimal) a.getAs("returned_value")).isEqualByComparingTo("14.00");
    assertThat((BigDecimal) a.getAs("avg_order_value")).isEqualByComparingTo("22.00");
  }

  @Test
  void scoredKeepsCustomersWithAPurchase() {
    Dataset<Row> lines =
        rows(LINES, line("a", "o1", "2024-01-01", "1", "1.00"), line("b", "r", "2024-01-01", "-1", "-1.00"));
    assertThat(
            CustomerFeatures.scored(CustomerFeatures.compute(lines, AS_OF, new Features(null, null)))
                .collectAsList())
        .extracting(r -> (String) r.getAs("customer_id"))
        .containsExactly("a");
  }

  @Test
  void storedDaysAndLaterDaysUniteIntoTheDaysOfAllLines() {
    Features cfg = new Features(30, null);
    LocalDate stored = LocalDate.of(2024, 3, 30);
    // Stored as of 03-30: its window starts after 01-30. 01-31 falls out of the window of 03-31.
    Dataset<Row> before =
        rows(
            LINES,
            line("a", "o1", "2024-01-31", "1", "8.00"),
            line("a", "o2", "2024-03-30", "1", "10.00"),
            line("a", "o2", "2024-03-30", "1", "2.50"),
            line("b", "o3", "2024-03-01", "1", "4.00"));
    Dataset<Row> after =
        rows(
            LINES,
            line("a", "o4", "2024-03-31", "2", "6.00"),
            line("a", "r1", "2024-03-31", "-1", "-1.00"),
            line("c", "o5", "2024-03-31", "1", "3.00"));
    Dataset<Row> united =
        CustomerFeatures.unionDays(
            CustomerFeatures.days(before, stored, cfg), CustomerFeatures.days(after, AS_OF, cfg), AS_OF, cfg);
    java.util.List<String> expected =
        java.util.List.of("a 2024-03-30 12.500000", "a 2024-03-31 5.000000", "b 2024-03-01 4.000000", "c 2024-03-31 3.000000");
    assertThat(dayRows(united)).containsExactlyElementsOf(expected);
    assertThat(dayRows(CustomerFeatures.days(before.unionByName(after), AS_OF, cfg))).containsExactlyElementsOf(expected);
    assertThat(united.schema()).isEqualTo(CustomerFeatures.days(after, AS_OF, cfg).schema());
  }

  private static java.util.List<String> dayRows(Dataset<Row> days) {
    return days.collectAsList().stream()
        .map(r -> r.getAs("customer_id") + " " + r.getAs("event_date") + " " + ((BigDecimal) r.getAs("line_amount")).toPlainString())
        .sorted()
        .toList();
  }
}
