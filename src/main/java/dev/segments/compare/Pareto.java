package dev.segments.compare;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.MONETARY;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.features.Quantiles;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
    Column value = col(MONETARY).cast(DataTypes.DoubleType);
    Column positive = greatest(value, lit(0.0));
    List<Column> aggregates = new ArrayList<>();
    for (double q : quantiles) {
      aggregates.add(coalesce(sum(when(value.lt(q), positive)), lit(0.0)));
      aggregates.add(count(when(value.lt(q), lit(1))));
    }
    Row sums =
        scored.agg(coalesce(sum(positive), lit(0.0)), aggregates.toArray(Column[]::new)).first();
    double total = sums.getDouble(0);
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
        long below = sums.getLong(2 + 2 * (k - 1));
        bottomRevenue = sums.getDouble(1 + 2 * (k - 1)) + (bottom - below) * Math.max(q, 0.0);
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
}
