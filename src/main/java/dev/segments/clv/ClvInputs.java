package dev.segments.clv;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.FIRST_PURCHASE_DATE;
import static dev.segments.Columns.LAST_PURCHASE_DATE;
import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.MEAN_REPEAT_VALUE;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static dev.segments.Columns.T_WEEKS;
import static dev.segments.Columns.T_X_WEEKS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

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
  private static final String DAYS = "days";
  private static final String TOTAL_VALUE = "total_value";
  private static final String FIRST_DAY_VALUE = "first_day_value";

  /** A line that buys something, free items included; negative amounts are returns. */
  static final Column IS_PURCHASE_LINE = col(LINE_AMOUNT).geq(0);

  public static Dataset<Row> compute(Dataset<Row> cleanLines, LocalDate asOf) {
    requireColumns(cleanLines);
    Column d = lit(java.sql.Date.valueOf(asOf));
    // A day's value is its net amount: a return made on the day of a purchase reduces that order.
    Dataset<Row> purchaseDays =
        cleanLines
            .where(col(EVENT_DATE).leq(d))
            .groupBy(col(CUSTOMER_ID), col(EVENT_DATE))
            .agg(sum(col(LINE_AMOUNT)).as(DAY_VALUE), max(IS_PURCHASE_LINE).as(PURCHASE_DAY))
            .where(col(PURCHASE_DAY));
    Dataset<Row> perCustomer =
        purchaseDays
            .groupBy(col(CUSTOMER_ID))
            .agg(
                min(col(EVENT_DATE)).as(FIRST_PURCHASE_DATE),
                max(col(EVENT_DATE)).as(LAST_PURCHASE_DATE),
                count(lit(1)).as(DAYS),
                sum(col(DAY_VALUE)).as(TOTAL_VALUE),
                min_by(col(DAY_VALUE), col(EVENT_DATE)).as(FIRST_DAY_VALUE));
    Column x = col(DAYS).minus(1);
    Column weeks = lit(7.0);
    return perCustomer.select(
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
                col(TOTAL_VALUE)
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
