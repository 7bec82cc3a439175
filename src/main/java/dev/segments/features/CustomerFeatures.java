package dev.segments.features;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.AVG_ORDER_VALUE;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.FIRST_PURCHASE_DATE;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.LAST_PURCHASE_DATE;
import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.MEAN_DAYS_BETWEEN_ORDERS;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.ORDER_KEY;
import static dev.segments.Columns.PRIOR_VALUE;
import static dev.segments.Columns.PURCHASED_VALUE;
import static dev.segments.Columns.QUANTITY;
import static dev.segments.Columns.RECENCY_DAYS;
import static dev.segments.Columns.RECENT_VALUE;
import static dev.segments.Columns.RETURNED_VALUE;
import static dev.segments.Columns.RETURN_RATE;
import static dev.segments.Columns.TENURE_DAYS;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.clean.Cleaner;
import dev.segments.config.SegmentsConfig.Features;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per customer and as-of date D, the measured dimensions of the domain guide, from clean lines dated
 * on or before D. Grain: one row per customer with at least one such line; customers whose lines
 * are all returns have frequency 0 and are not scored.
 */
public final class CustomerFeatures {
  private CustomerFeatures() {}

  /** A return reduces value: a negative quantity, or a negative amount where lines carry amounts. */
  static final Column IS_RETURN =
      coalesce(col(QUANTITY).lt(0), lit(false)).or(col(LINE_AMOUNT).lt(0));

  /** A purchase line has quantity > 0 (free items included), or no quantity and a non-negative amount. */
  static final Column IS_PURCHASE = IS_RETURN.unary_$bang();

  public static Dataset<Row> compute(Dataset<Row> lines, LocalDate asOf, Features cfg) {
    requireColumns(lines);
    Column d = lit(java.sql.Date.valueOf(asOf));
    int window = cfg.trendWindowDays();
    Column zero = lit(0).cast(Cleaner.MONEY_TYPE);
    Column daysBack = datediff(d, col(EVENT_DATE));
    Dataset<Row> perCustomer =
        lines
            .where(col(EVENT_DATE).leq(d))
            .groupBy(col(CUSTOMER_ID))
            .agg(
                max(when(IS_PURCHASE, col(EVENT_DATE))).as(LAST_PURCHASE_DATE),
                min(when(IS_PURCHASE, col(EVENT_DATE))).as(FIRST_PURCHASE_DATE),
                count_distinct(when(IS_PURCHASE, col(ORDER_KEY))).as(FREQUENCY),
                sum(col(LINE_AMOUNT)).as(MONETARY),
                coalesce(sum(when(IS_PURCHASE, col(LINE_AMOUNT))), zero).as(PURCHASED_VALUE),
                coalesce(sum(when(IS_RETURN, col(LINE_AMOUNT).unary_$minus())), zero).as(RETURNED_VALUE),
                coalesce(sum(when(daysBack.lt(window), col(LINE_AMOUNT))), zero).as(RECENT_VALUE),
                coalesce(
                        sum(when(daysBack.geq(window).and(daysBack.lt(2 * window)), col(LINE_AMOUNT))),
                        zero)
                    .as(PRIOR_VALUE));
    Column frequency = col(FREQUENCY);
    return perCustomer.select(
        d.as(AS_OF),
        col(CUSTOMER_ID),
        datediff(d, col(LAST_PURCHASE_DATE)).as(RECENCY_DAYS),
        frequency.cast(DataTypes.LongType).as(FREQUENCY),
        col(MONETARY).cast(Cleaner.MONEY_TYPE).as(MONETARY),
        col(FIRST_PURCHASE_DATE),
        col(LAST_PURCHASE_DATE),
        datediff(d, col(FIRST_PURCHASE_DATE)).as(TENURE_DAYS),
        when(frequency.gt(0), col(PURCHASED_VALUE).divide(frequency))
            .cast(Cleaner.MONEY_TYPE)
            .as(AVG_ORDER_VALUE),
        // A rate, not money: double division keeps its full precision.
        when(
                col(PURCHASED_VALUE).gt(0),
                col(RETURNED_VALUE)
                    .cast(DataTypes.DoubleType)
                    .divide(col(PURCHASED_VALUE).cast(DataTypes.DoubleType)))
            .otherwise(lit(0.0))
            .as(RETURN_RATE),
        when(
                frequency.geq(2),
                datediff(col(LAST_PURCHASE_DATE), col(FIRST_PURCHASE_DATE))
                    .cast(DataTypes.DoubleType)
                    .divide(frequency.minus(1)))
            .as(MEAN_DAYS_BETWEEN_ORDERS),
        col(PURCHASED_VALUE).cast(Cleaner.MONEY_TYPE).as(PURCHASED_VALUE),
        col(RETURNED_VALUE).cast(Cleaner.MONEY_TYPE).as(RETURNED_VALUE),
        col(RECENT_VALUE).cast(Cleaner.MONEY_TYPE).as(RECENT_VALUE),
        col(PRIOR_VALUE).cast(Cleaner.MONEY_TYPE).as(PRIOR_VALUE));
  }

  /** Customers that are scored: at least one purchase order by D. */
  public static Dataset<Row> scored(Dataset<Row> features) {
    return features.where(col(FREQUENCY).geq(1));
  }

  private static void requireColumns(Dataset<Row> lines) {
    java.util.List<String> present = java.util.Arrays.asList(lines.columns());
    for (String needed : new String[] {CUSTOMER_ID, ORDER_KEY, EVENT_DATE, QUANTITY, LINE_AMOUNT}) {
      if (!present.contains(needed)) {
        throw new IllegalArgumentException(
            "Invalid lines: missing column " + needed + " (found " + present + ")");
      }
    }
  }
}
