package dev.segments.features;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.AVG_ORDER_VALUE;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.FIRST_PURCHASE_DATE;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.LAST_PURCHASE_DATE;
import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.LINE_AMOUNT_MICROS;
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
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.clean.Cleaner;
import dev.segments.clean.Money;
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
      coalesce(col(QUANTITY).lt(0), lit(false)).or(col(LINE_AMOUNT_MICROS).lt(0));

  /** A purchase line has quantity > 0 (free items included), or no quantity and a non-negative amount. */
  static final Column IS_PURCHASE = IS_RETURN.unary_$bang();

  public static Dataset<Row> compute(Dataset<Row> lines, LocalDate asOf, Features cfg) {
    requireColumns(lines);
    Dataset<Row> upToAsOf = lines.where(col(EVENT_DATE).leq(lit(java.sql.Date.valueOf(asOf))));
    return fromState(state(upToAsOf), days(upToAsOf, asOf, cfg), asOf, cfg);
  }

  /**
   * The part of a customer's history that adds up exactly: purchase dates, order count and money
   * sums. Two states of disjoint sets of orders merge into the state of their union ({@link
   * #merge}), which is what lets a nightly run fold in new lines without re-reading history.
   */
  public static Dataset<Row> state(Dataset<Row> lines) {
    requireColumns(lines);
    Column micros = col(LINE_AMOUNT_MICROS);
    Column zero = lit(0L);
    return Money.withMicros(lines)
        .groupBy(col(CUSTOMER_ID))
        .agg(
            min(when(IS_PURCHASE, col(EVENT_DATE))).as(FIRST_PURCHASE_DATE),
            max(when(IS_PURCHASE, col(EVENT_DATE))).as(LAST_PURCHASE_DATE),
            count_distinct(when(IS_PURCHASE, col(ORDER_KEY))).cast(DataTypes.LongType).as(FREQUENCY),
            Money.fromMicros(sum(micros)).as(MONETARY),
            Money.fromMicros(coalesce(sum(when(IS_PURCHASE, micros)), zero)).as(PURCHASED_VALUE),
            Money.fromMicros(coalesce(sum(when(IS_RETURN, micros.unary_$minus())), zero)).as(RETURNED_VALUE));
  }

  /**
   * Net value per customer and day over the two trend windows before D: all that the windowed
   * features need, and small enough to keep between nightly runs.
   */
  public static Dataset<Row> days(Dataset<Row> lines, LocalDate asOf, Features cfg) {
    return Money.withMicros(lines)
        .where(col(EVENT_DATE).gt(lit(java.sql.Date.valueOf(windowStart(asOf, cfg)))))
        .groupBy(col(CUSTOMER_ID), col(EVENT_DATE))
        .agg(Money.fromMicros(sum(col(LINE_AMOUNT_MICROS))).as(LINE_AMOUNT));
  }

  /** Days on or before this date never count in the windows of D or of any later date. */
  public static LocalDate windowStart(LocalDate asOf, Features cfg) {
    return asOf.minusDays(2L * cfg.trendWindowDays());
  }

  /**
   * The state of two histories with no order in common. Sums of decimals are exact, so the merged
   * state equals the state of the union to the last digit.
   */
  public static Dataset<Row> merge(Dataset<Row> a, Dataset<Row> b) {
    Dataset<Row> x = a.alias("a");
    Dataset<Row> y = b.alias("b");
    Column joined = col("a." + CUSTOMER_ID).equalTo(col("b." + CUSTOMER_ID));
    return x.join(y, joined, "full_outer")
        .select(
            coalesce(col("a." + CUSTOMER_ID), col("b." + CUSTOMER_ID)).as(CUSTOMER_ID),
            least(col("a." + FIRST_PURCHASE_DATE), col("b." + FIRST_PURCHASE_DATE)).as(FIRST_PURCHASE_DATE),
            greatest(col("a." + LAST_PURCHASE_DATE), col("b." + LAST_PURCHASE_DATE)).as(LAST_PURCHASE_DATE),
            coalesce(col("a." + FREQUENCY), lit(0L)).plus(coalesce(col("b." + FREQUENCY), lit(0L))).as(FREQUENCY),
            added(MONETARY),
            added(PURCHASED_VALUE),
            added(RETURNED_VALUE));
  }

  private static Column added(String money) {
    Column a = col("a." + money);
    Column b = col("b." + money);
    return coalesce(a.plus(b), a, b).cast(Cleaner.MONEY_TYPE).as(money);
  }

  /**
   * Day totals of two histories with no (customer, day) in common, such as stored days and the
   * days after them, trimmed to the windows of D. Each side has one row per customer and day, so
   * their union has too: nothing is summed, and the stored days are not shuffled again.
   */
  public static Dataset<Row> unionDays(Dataset<Row> a, Dataset<Row> b, LocalDate asOf, Features cfg) {
    Column[] columns = {col(CUSTOMER_ID), col(EVENT_DATE), col(LINE_AMOUNT).cast(Cleaner.MONEY_TYPE).as(LINE_AMOUNT)};
    return a.select(columns)
        .unionByName(b.select(columns))
        .where(col(EVENT_DATE).gt(lit(java.sql.Date.valueOf(windowStart(asOf, cfg)))));
  }

  /** The features as of D from a state and the day totals, both of lines dated on or before D. */
  public static Dataset<Row> fromState(Dataset<Row> state, Dataset<Row> days, LocalDate asOf, Features cfg) {
    Column d = lit(java.sql.Date.valueOf(asOf));
    int window = cfg.trendWindowDays();
    Column zero = lit(0).cast(Cleaner.MONEY_TYPE);
    Column daysBack = datediff(d, col(EVENT_DATE));
    Dataset<Row> windows =
        days.where(col(EVENT_DATE).leq(d))
            .groupBy(col(CUSTOMER_ID))
            .agg(
                sum(when(daysBack.lt(window), col(LINE_AMOUNT))).as(RECENT_VALUE),
                sum(when(daysBack.geq(window).and(daysBack.lt(2 * window)), col(LINE_AMOUNT))).as(PRIOR_VALUE));
    Dataset<Row> perCustomer = state.join(windows, CUSTOMER_ID, "left");
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
        coalesce(col(RECENT_VALUE), zero).cast(Cleaner.MONEY_TYPE).as(RECENT_VALUE),
        coalesce(col(PRIOR_VALUE), zero).cast(Cleaner.MONEY_TYPE).as(PRIOR_VALUE));
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
