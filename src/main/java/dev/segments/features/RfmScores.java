package dev.segments.features;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.B1;
import static dev.segments.Columns.B2;
import static dev.segments.Columns.B3;
import static dev.segments.Columns.B4;
import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.METRIC;
import static dev.segments.Columns.REVERSED;
import static dev.segments.Columns.SCORED_COLUMN;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores 1..5 for each {@link ScoredMetric}: a value scores 1 + the number of breakpoints strictly
 * below it (6 minus that when reversed), so equal values always score alike.
 */
public final class RfmScores {
  public static final StructType THRESHOLDS_SCHEMA =
      new StructType()
          .add(AS_OF, DataTypes.DateType, false)
          .add(METRIC, DataTypes.StringType, false)
          .add(SCORED_COLUMN, DataTypes.StringType, false)
          .add(CUSTOMERS, DataTypes.LongType, false)
          .add(REVERSED, DataTypes.BooleanType, false)
          .add(B1, DataTypes.DoubleType, true)
          .add(B2, DataTypes.DoubleType, true)
          .add(B3, DataTypes.DoubleType, true)
          .add(B4, DataTypes.DoubleType, true);

  /** The breakpoints used for one metric on one date. */
  public record Breakpoints(ScoredMetric metric, long customers, double[] values) {}

  private RfmScores() {}

  /** Breakpoints for every scored metric over the scored customers. */
  public static List<Breakpoints> breakpoints(Dataset<Row> scored, int accuracy) {
    return fromQuantiles(Quantiles.compute(scored, requests(), accuracy));
  }

  /** The quantile requests behind the breakpoints, one per {@link ScoredMetric} in order. */
  public static List<Quantiles.Request> requests() {
    return Arrays.stream(ScoredMetric.values())
        .map(m -> new Quantiles.Request(m.column(), Quantiles.QUINTILES))
        .toList();
  }

  /** Breakpoints from the answers to {@link #requests()}, in the same order. */
  public static List<Breakpoints> fromQuantiles(List<Quantiles.Result> quintiles) {
    List<Breakpoints> out = new ArrayList<>();
    for (ScoredMetric metric : ScoredMetric.values()) {
      Quantiles.Result q = quintiles.get(metric.ordinal());
      out.add(new Breakpoints(metric, q.count(), q.values()));
    }
    return out;
  }

  /** Adds a score column per metric. */
  public static Dataset<Row> apply(Dataset<Row> scored, List<Breakpoints> breakpoints) {
    Dataset<Row> out = scored;
    for (Breakpoints b : breakpoints) {
      out = out.withColumn(b.metric().scoreColumn(), score(col(b.metric().column()), b));
    }
    return out;
  }

  static Column score(Column value, Breakpoints b) {
    Column v = value.cast(DataTypes.DoubleType);
    Column above = lit(0);
    for (double breakpoint : b.values()) {
      above = above.plus(when(v.gt(breakpoint), 1).otherwise(0));
    }
    Column score = b.metric().reversed() ? lit(5).minus(above) : lit(1).plus(above);
    return when(v.isNotNull(), score.cast(DataTypes.IntegerType));
  }

  /** The score_thresholds rows of one as-of date. */
  public static Dataset<Row> table(SparkSession spark, LocalDate asOf, List<Breakpoints> breakpoints) {
    List<Row> rows = new ArrayList<>();
    for (Breakpoints b : breakpoints) {
      Object[] values = new Object[9];
      values[0] = java.sql.Date.valueOf(asOf);
      values[1] = b.metric().label();
      values[2] = b.metric().column();
      values[3] = b.customers();
      values[4] = b.metric().reversed();
      for (int j = 0; j < b.values().length; j++) {
        values[5 + j] = b.values()[j];
      }
      rows.add(RowFactory.create(values));
    }
    return spark.createDataFrame(rows, THRESHOLDS_SCHEMA);
  }
}
