package dev.segments.clv;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.segments.clean.Cleaner;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ClvInputsTest {
  static final StructType LINES =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("event_date", DataTypes.DateType)
          .add("line_amount", Cleaner.MONEY_TYPE);

  static Object[] line(String customer, String date, String amount) {
    return new Object[] {customer, Date.valueOf(date), new BigDecimal(amount)};
  }

  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);

  @Test
  void purchaseDaysRepeatsAndRepeatValue() {
    Dataset<Row> lines =
        rows(
            LINES,
            // a: two lines on the first day are one purchase; a returns-only day is no purchase; a
            // free item is; a line after D is not seen.
            line("a", "2024-01-01", "10.00"),
            line("a", "2024-01-01", "5.50"),
            line("a", "2024-02-15", "20.00"),
            line("a", "2024-03-01", "-5.50"),
            line("a", "2024-03-31", "0.00"),
            line("a", "2024-04-01", "100.00"),
            // b: only a return: not a customer of the model.
            line("b", "2024-03-10", "-3.00"),
            // c: one purchase day, net of a same-day return.
            line("c", "2023-12-31", "7.00"),
            line("c", "2023-12-31", "-2.00"),
            // d: a repeat day whose return outweighs its purchase is still a purchase day.
            line("d", "2024-03-03", "12.00"),
            line("d", "2024-03-10", "30.00"),
            line("d", "2024-03-10", "-40.00"));
    Map<String, Row> byCustomer =
        ClvInputs.compute(lines, AS_OF).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("customer_id"), r -> r));

    assertThat(byCustomer).containsOnlyKeys("a", "c", "d");
    Row a = byCustomer.get("a");
    assertThat(a.<Date>getAs("as_of")).isEqualTo(Date.valueOf(AS_OF));
    assertThat(a.<Long>getAs("repeat_purchases")).isEqualTo(2L);
    assertThat(a.<Double>getAs("t_x_weeks")).isCloseTo(90 / 7.0, within(1e-12));
    assertThat(a.<Double>getAs("t_weeks")).isCloseTo(90 / 7.0, within(1e-12));
    assertThat(a.<Double>getAs("mean_repeat_value")).isCloseTo((20.00 + 0.00) / 2, within(1e-12));
    Row c = byCustomer.get("c");
    assertThat(c.<Long>getAs("repeat_purchases")).isZero();
    assertThat(c.<Double>getAs("t_x_weeks")).isZero();
    assertThat(c.<Double>getAs("t_weeks")).isCloseTo(91 / 7.0, within(1e-12));
    assertThat(c.<Double>getAs("mean_repeat_value")).isNull();
    Row d = byCustomer.get("d");
    assertThat(d.<Long>getAs("repeat_purchases")).isEqualTo(1L);
    assertThat(d.<Double>getAs("t_x_weeks")).isCloseTo(1.0, within(1e-12));
    assertThat(d.<Double>getAs("mean_repeat_value")).isCloseTo(-10.0, within(1e-12));
  }

  /**
   * A nightly run folds the days after W into the state through W; the folded state must give the
   * inputs the whole history gives. Customers: only before W, only after, on both sides (with a
   * return-only day after W and a first day whose value must stay the earlier one).
   */
  @Test
  void stateFoldedAcrossADateEqualsTheStateOfAllLines() {
    Dataset<Row> lines =
        rows(
            LINES,
            line("before", "2024-01-05", "10.00"),
            line("before", "2024-02-05", "4.25"),
            line("after", "2024-03-20", "8.00"),
            line("after", "2024-03-20", "-1.00"),
            line("both", "2024-01-10", "30.00"),
            line("both", "2024-01-10", "-5.00"),
            line("both", "2024-02-29", "12.125"),
            line("both", "2024-03-15", "-7.00"),
            line("both", "2024-03-30", "0.00"),
            line("both", "2024-03-31", "9.999999"));
    Column earlier = col("event_date").leq(lit(Date.valueOf("2024-02-29")));
    Dataset<Row> folded =
        ClvInputs.mergeLater(ClvInputs.state(lines.where(earlier)), ClvInputs.state(lines.where(not(earlier))));
    Dataset<Row> whole = ClvInputs.state(lines);
    assertThat(sorted(folded)).isEqualTo(sorted(whole)).hasSize(3);
    assertThat(sorted(ClvInputs.fromState(folded, AS_OF))).isEqualTo(sorted(ClvInputs.compute(lines, AS_OF)));
    Row both = whole.where(col("customer_id").equalTo("both")).first();
    assertThat(both.<Long>getAs("purchase_days")).isEqualTo(4L);
    assertThat(both.<BigDecimal>getAs("purchase_days_value")).isEqualByComparingTo("47.124999");
    assertThat(both.<BigDecimal>getAs("first_day_value")).isEqualByComparingTo("25.00");
  }

  private static java.util.List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void rejectsLinesWithoutAnAmount() {
    Dataset<Row> lines = rows(LINES, line("a", "2024-01-01", "1.00")).drop("line_amount");
    assertThatThrownBy(() -> ClvInputs.compute(lines, AS_OF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid lines: missing column line_amount (found [customer_id, event_date])");
  }
}
