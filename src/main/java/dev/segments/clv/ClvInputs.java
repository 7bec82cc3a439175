package dev.segments.clv;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.FIRST_PURCHASE_DATE;
import static dev.segments.Columns.LAST_PURCHASE_DATE;
import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.LINE_AMOUNT_MICROS;
import static dev.segments.Columns.FIRST_DAY_VALUE;
import static dev.segments.Columns.MEAN_REPEAT_VALUE;
import static dev.segments.Columns.PURCHASE_DAYS;
import static dev.segments.Columns.PURCHASE_DAYS_VALUE;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static dev.segments.Columns.T_WEEKS;
import static dev.segments.Columns.T_X_WEEKS;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.clean.Cleaner;
import dev.segments.clean.Money;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The BG/NBD and Gamma-Gamma summary of each customer's history up to an as-of date D. Grain: one
 * row per customer with at least one purchase day on or before D; columns customer_id, as_of,
 * repeat_purchases (x), t_x_weeks, t_weeks (T), mean_repeat_value.
 *
 * <p>A purchase day is a date with at least one non-negative line: same-day lines are one
 * transaction, free (zero-value) lines count, returns-only days do not. This is the convention of
 * the published CDNOW summary, which counts zero-value days as transactions.
 */
public final class ClvInputs {
  private ClvInputs() {}

  private static final String DAY_VALUE = "day_value";
  private static final String PURCHASE_DAY = "purchase_day";

  /** A line that buys something, free items included; negative amounts are returns. */
  static final Column IS_PURCHASE_LINE = col(LINE_AMOUNT_MICROS).geq(0);

  public static Dataset<Row> compute(Dataset<Row> cleanLines, LocalDate asOf) {
    requireColumns(cleanLines);
    return fromState(state(cleanLines.where(col(EVENT_DATE).leq(lit(java.sql.Date.valueOf(asOf))))), asOf);
  }

  /**
   * Per customer, the purchase days of these lines: first and last, how many, their summed net
   * value and the first one's value. Grain: customers with at least one purchase day. Two states of
   * lines on disjoint date ranges merge exactly ({@link #mergeLater}), so a nightly run folds its
   * new days in without re-reading history.
   */
  public static Dataset<Row> state(Dataset<Row> cleanLines) {
    requireColumns(cleanLines);
    // A day's value is its net amount: a return made on the day of a purchase reduces that order.
    // Day values stay in millionths until the per-customer sums (Money).
    Dataset<Row> purchaseDays =
        Money.withMicros(cleanLines)
            .groupBy(col(CUSTOMER_ID), col(EVENT_DATE))
            .agg(sum(col(LINE_AMOUNT_MICROS)).as(DAY_VALUE), max(IS_PURCHASE_LINE).as(PURCHASE_DAY))
            .where(col(PURCHASE_DAY));
    return purchaseDays
        .groupBy(col(CUSTOMER_ID))
        .agg(
            min(col(EVENT_DATE)).as(FIRST_PURCHASE_DATE),
            max(col(EVENT_DATE)).as(LAST_PURCHASE_DATE),
            count(lit(1)).cast(DataTypes.LongType).as(PURCHASE_DAYS),
            Money.fromMicros(sum(col(DAY_VALUE))).as(PURCHASE_DAYS_VALUE),
            Money.fromMicros(min_by(col(DAY_VALUE), col(EVENT_DATE))).as(FIRST_DAY_VALUE));
  }

  /**
   * The state of two sets of lines where every day of {@code later} comes after every day of
   * {@code earlier}: the days are disjoint, so counts and sums add and the first day is the
   * earlier state's whenever it has one.
   */
  public static Dataset<Row> mergeLater(Dataset<Row> earlier, Dataset<Row> later) {
    Dataset<Row> a = earlier.alias("a");
    Dataset<Row> b = later.alias("b");
    Column hasEarlier = col("a." + CUSTOMER_ID).isNotNull();
    Column sumA = col("a." + PURCHASE_DAYS_VALUE);
    Column sumB = col("b." + PURCHASE_DAYS_VALUE);
    return a.join(b, col("a." + CUSTOMER_ID).equalTo(col("b." + CUSTOMER_ID)), "full_outer")
        .select(
            coalesce(col("a." + CUSTOMER_ID), col("b." + CUSTOMER_ID)).as(CUSTOMER_ID),
            when(hasEarlier, col("a." + FIRST_PURCHASE_DATE)).otherwise(col("b." + FIRST_PURCHASE_DATE)).as(FIRST_PURCHASE_DATE),
            coalesce(col("b." + LAST_PURCHASE_DATE), col("a." + LAST_PURCHASE_DATE)).as(LAST_PURCHASE_DATE),
            coalesce(col("a." + PURCHASE_DAYS), lit(0L)).plus(coalesce(col("b." + PURCHASE_DAYS), lit(0L))).as(PURCHASE_DAYS),
            coalesce(sumA.plus(sumB), sumA, sumB).cast(Cleaner.MONEY_TYPE).as(PURCHASE_DAYS_VALUE),
            when(hasEarlier, col("a." + FIRST_DAY_VALUE)).otherwise(col("b." + FIRST_DAY_VALUE)).as(FIRST_DAY_VALUE));
  }

  /** The model's inputs as of D from a state of lines dated on or before D. */
  public static Dataset<Row> fromState(Dataset<Row> state, LocalDate asOf) {
    Column d = lit(java.sql.Date.valueOf(asOf));
    Column x = col(PURCHASE_DAYS).minus(1);
    Column weeks = lit(7.0);
    return state.select(
        col(CUSTOMER_ID),
        d.as(AS_OF),
        x.cast(DataTypes.LongType).as(REPEAT_PURCHASES),
        datediff(col(LAST_PURCHASE_DATE), col(FIRST_PURCHASE_DATE))
            .cast(DataTypes.DoubleType)
            .divide(weeks)
            .as(T_X_WEEKS),
        datediff(d, col(FIRST_PURCHASE_DATE)).cast(DataTypes.DoubleType).divide(weeks).as(T_WEEKS),
        // The first purchase is excluded: Gamma-Gamma models the value of repeat transactions.
        when(
                x.gt(0),
                col(PURCHASE_DAYS_VALUE)
                    .minus(col(FIRST_DAY_VALUE))
                    .cast(DataTypes.DoubleType)
                    .divide(x.cast(DataTypes.DoubleType)))
            .as(MEAN_REPEAT_VALUE));
  }

  private static void requireColumns(Dataset<Row> lines) {
    List<String> present = Arrays.asList(lines.columns());
    for (String needed : new String[] {CUSTOMER_ID, EVENT_DATE, LINE_AMOUNT}) {
      if (!present.contains(needed)) {
        throw new IllegalArgumentException(
            "Invalid lines: missing column " + needed + " (found " + present + ")");
      }
    }
  }
}
