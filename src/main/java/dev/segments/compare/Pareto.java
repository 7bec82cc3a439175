package dev.segments.compare;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.MONETARY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.segments.features.Quantiles;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.DoubleStream;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The 80/20 view: customers sorted by net value against their cumulative share of positive net
 * revenue, at 1% steps, without sorting the customers. The bottom m customers are those below the
 * value of rank m plus as many ties of it as needed, so each point is exact even with ties.
 */
public final class Pareto {
  public static final StructType SCHEMA =
      new StructType()
          .add(AS_OF, DataTypes.DateType, false)
          .add("top_percent", DataTypes.IntegerType, false)
          .add("customers", DataTypes.LongType, false)
          .add("customer_share", DataTypes.DoubleType, false)
          .add("revenue_share", DataTypes.DoubleType, true);

  private Pareto() {}

  /** The probabilities 0.01..0.99 whose monetary quantiles the curve needs. */
  public static double[] probabilities() {
    double[] p = new double[99];
    for (int k = 1; k <= 99; k++) {
      p[k - 1] = k / 100.0;
    }
    return p;
  }

  /** The curve's table and the revenue share of the top 20% of customers (null without revenue). */
  public record Curve(Dataset<Row> table, Double top20Share) {}

  /** @param quantiles monetary at {@link #probabilities()}, of the n scored customers */
  public static Curve curve(
      SparkSession spark, Dataset<Row> scored, double[] quantiles, long n, LocalDate asOf) {
    double[] cuts = DoubleStream.of(quantiles).sorted().distinct().toArray();
    // One grouped pass into at most 100 value intervals, where 99 conditional sums over every
    // customer were too many aggregates for generated code (5.9 s of a night's run). Positive net
    // value is summed as a decimal, so the shares are exact whatever the partitioning.
    UDF1<Double, Integer> interval = v -> v == null ? null : upperBound(cuts, v);
    Column value = col(MONETARY).cast(DataTypes.DoubleType);
    List<Row> intervals =
        scored
            .where(value.isNotNull())
            .groupBy(udf(interval, DataTypes.IntegerType).apply(value).as("interval"))
            .agg(sum(when(col(MONETARY).gt(0), col(MONETARY))), count(lit(1)))
            .collectAsList();
    BigDecimal[] revenue = new BigDecimal[cuts.length + 1];
    long[] customersIn = new long[cuts.length + 1];
    Arrays.fill(revenue, BigDecimal.ZERO);
    for (Row r : intervals) {
      int i = r.getInt(0);
      revenue[i] = r.isNullAt(1) ? BigDecimal.ZERO : r.getDecimal(1);
      customersIn[i] = r.getLong(2);
    }
    // below[i], revenueBelow[i]: customers in the intervals before i, and their positive revenue.
    long[] below = new long[cuts.length + 2];
    BigDecimal[] revenueBelow = new BigDecimal[cuts.length + 2];
    revenueBelow[0] = BigDecimal.ZERO;
    for (int i = 0; i <= cuts.length; i++) {
      below[i + 1] = below[i] + customersIn[i];
      revenueBelow[i + 1] = revenueBelow[i].add(revenue[i]);
    }
    double total = revenueBelow[cuts.length + 1].doubleValue();
    List<Row> rows = new ArrayList<>();
    Double top20 = null;
    Date date = Date.valueOf(asOf);
    for (int top = 1; top <= 100; top++) {
      double bottomRevenue;
      long bottom;
      if (top == 100) {
        bottom = 0;
        bottomRevenue = 0;
      } else {
        int k = 100 - top;
        bottom = Quantiles.rank(k / 100.0, n);
        double q = quantiles[k - 1];
        // q is a cut, so its interval starts at q: those below it hold exactly the customers worth less.
        int intervalsBelow = upperBound(cuts, q);
        bottomRevenue =
            revenueBelow[intervalsBelow].doubleValue() + (bottom - below[intervalsBelow]) * Math.max(q, 0.0);
      }
      long customers = n - bottom;
      Double share = total > 0 ? (total - bottomRevenue) / total : null;
      if (top == 20) {
        top20 = share;
      }
      rows.add(RowFactory.create(date, top, customers, n == 0 ? 0.0 : (double) customers / n, share));
    }
    return new Curve(spark.createDataFrame(rows, SCHEMA), top20);
  }

  /** How many of the sorted cuts are at most v: the index of v's interval. */
  static int upperBound(double[] cuts, double v) {
    int low = 0;
    int high = cuts.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cuts[mid] <= v) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

}
