package dev.segments.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.struct;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Exact quantiles of several columns at once, without sorting or windowing over all rows. The
 * p-quantile is the value of rank ceil(p * n) in ascending order (the lower empirical quantile), so it
 * is always a value of the data and never depends on partitioning or row order.
 *
 * <p>Two aggregations: an approximate quantile sketch brackets each target rank in a narrow value
 * window whose rank error the sketch guarantees; further passes count the rows below each window
 * and each distinct value inside it, and the exact value of the target rank is read off those counts
 * on the driver. The driver receives only distinct values near the quantiles (about 6n/accuracy per
 * quantile), never the rows.
 */
public final class Quantiles {
  /** The quintile probabilities: breakpoints b1..b4. */
  public static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

  private static final int MAX_WIDENINGS = 4;

  private Quantiles() {}

  /** The quantiles wanted of one column, probabilities in (0, 1]. */
  public record Request(String column, double[] probabilities) {}

  /** The non-null count of a column and its quantiles (empty when the count is 0). */
  public record Result(long count, double[] values) {}

  /** Quintile breakpoints per column, in the order given. */
  public static List<Result> quintileBreakpoints(Dataset<Row> rows, List<String> columns, int accuracy) {
    return compute(rows, columns.stream().map(c -> new Request(c, QUINTILES)).toList(), accuracy);
  }

  public static List<Result> compute(Dataset<Row> rows, List<Request> requests, int accuracy) {
    // Each requested column cast to double once per row and kept for the three passes below (the
    // sketch, the counts in the windows, the counts below them): for the decimal money type every
    // cast rebuilds a BigInteger.
    List<Column> casts = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      casts.add(col(requests.get(i).column()).cast(DataTypes.DoubleType).as(valueName(i)));
    }
    Dataset<Row> values = rows.select(casts.toArray(Column[]::new)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return fromValues(values, requests, accuracy);
    } finally {
      values.unpersist(false);
    }
  }

  private static List<Result> fromValues(Dataset<Row> values, List<Request> requests, int accuracy) {
    List<Column> aggregates = new ArrayList<>();
    double margin = 3.0 / accuracy;
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      double[] probes = new double[2 * request.probabilities().length];
      for (int j = 0; j < request.probabilities().length; j++) {
        double p = request.probabilities()[j];
        if (!(p > 0 && p <= 1)) {
          throw new IllegalArgumentException("Invalid quantile probability: " + p + " (must be in (0, 1])");
        }
        probes[2 * j] = Math.max(0.0, p - margin);
        probes[2 * j + 1] = Math.min(1.0, p + margin);
      }
      aggregates.add(count(col(valueName(i))));
      aggregates.add(percentile_approx(col(valueName(i)), lit(probes), lit(accuracy)));
    }
    Row sketch =
        values.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();

    int n = requests.size();
    long[] counts = new long[n];
    double[][] low = new double[n][];
    double[][] high = new double[n][];
    for (int i = 0; i < n; i++) {
      int k = requests.get(i).probabilities().length;
      counts[i] = sketch.getLong(2 * i);
      low[i] = new double[k];
      high[i] = new double[k];
      List<Double> probed = counts[i] == 0 ? List.of() : sketch.getList(2 * i + 1);
      for (int j = 0; j < k && counts[i] > 0; j++) {
        low[i][j] = probed.get(2 * j);
        high[i][j] = probed.get(2 * j + 1);
      }
    }

    double[][] result = new double[n][];
    for (int attempt = 0; ; attempt++) {
      boolean exhaustive = attempt >= MAX_WIDENINGS;
      List<Window> windows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (result[i] != null) {
          continue;
        }
        if (counts[i] == 0) {
          result[i] = new double[0];
          continue;
        }
        double[] probabilities = requests.get(i).probabilities();
        for (int j = 0; j < probabilities.length; j++) {
          windows.add(
              new Window(
                  i,
                  j,
                  exhaustive ? Double.NEGATIVE_INFINITY : low[i][j],
                  exhaustive ? Double.POSITIVE_INFINITY : high[i][j],
                  rank(probabilities[j], counts[i])));
        }
      }
      if (!windows.isEmpty()) {
        resolve(values, requests, windows, result);
      }
      boolean done = true;
      for (int i = 0; i < n; i++) {
        if (result[i] == null) {
          done = false;
          // The sketch's guarantee failed to bracket a rank (it should not): widen and look again.
          for (int j = 0; j < low[i].length; j++) {
            double span = Math.max(high[i][j] - low[i][j], 1.0);
            low[i][j] -= 4 * span;
            high[i][j] += 4 * span;
          }
        }
      }
      if (done) {
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          out.add(new Result(counts[i], result[i]));
        }
        return out;
      }
    }
  }

  /** ceil(p * n), computed in decimal so that 0.6 * 5 is exactly 3. */
  public static long rank(double p, long n) {
    return BigDecimal.valueOf(p)
        .multiply(BigDecimal.valueOf(n))
        .setScale(0, RoundingMode.CEILING)
        .max(BigDecimal.ONE)
        .longValueExact();
  }

  private record Window(int request, int quantile, double low, double high, long rank) {}

  /**
   * Per window, the count of values below it (one aggregation) and the count of each distinct value
   * inside it (a second, over the few rows that fall in some window).
   */
  private static void resolve(
      Dataset<Row> values, List<Request> requests, List<Window> windows, double[][] result) {
    // One row per (column, value), joined with the small tables of windows and of buckets on the
    // column: each value meets only its own column's bounds, in a join loop the JIT compiles. (One
    // condition per window in a filter or an aggregate makes a generated method too large for the
    // JIT, and those passes ran interpreted: 10 s of task time on 500,000 customers.)
    List<Column> pairs = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      pairs.add(struct(lit(i).as(REQUEST), col(valueName(i)).as(VALUE)));
    }
    Dataset<Row> pairsByColumn =
        values
            .select(explode(array(pairs.toArray(Column[]::new))).as("pair"))
            .select(col("pair." + REQUEST).as(REQUEST), col("pair." + VALUE).as(VALUE))
            .where(col(VALUE).isNotNull());

    SparkSession spark = values.sparkSession();
    List<Row> windowRows = new ArrayList<>();
    for (int w = 0; w < windows.size(); w++) {
      Window window = windows.get(w);
      windowRows.add(RowFactory.create(w, window.request(), window.low(), window.high()));
    }
    Dataset<Row> windowTable =
        spark.createDataFrame(
            windowRows,
            new StructType()
                .add("w", DataTypes.IntegerType, false)
                .add("window_request", DataTypes.IntegerType, false)
                .add("low", DataTypes.DoubleType, false)
                .add("high", DataTypes.DoubleType, false));
    List<Row> histogram =
        pairsByColumn
            .join(
                broadcast(windowTable),
                col(REQUEST).equalTo(col("window_request")).and(col(VALUE).between(col("low"), col("high"))))
            .groupBy(col("w"), col(VALUE))
            .count()
            .collectAsList();

    // The rows below a window, counted per bucket between consecutive distinct window lows of a
    // column (every value falls in at most one) and summed on the driver.
    java.util.Map<Integer, java.util.TreeSet<Double>> distinctLows = new java.util.TreeMap<>();
    for (Window window : windows) {
      distinctLows.computeIfAbsent(window.request(), r -> new java.util.TreeSet<>()).add(window.low());
    }
    java.util.Map<Integer, double[]> lows = new java.util.TreeMap<>();
    distinctLows.forEach((request, set) -> lows.put(request, set.stream().mapToDouble(Double::doubleValue).toArray()));
    List<Row> bucketRows = new ArrayList<>();
    for (var entry : lows.entrySet()) {
      double[] sorted = entry.getValue();
      // Bucket k holds [sorted[k-1], sorted[k]); bucket 0 starts unbounded, the last ends so.
      for (int k = 0; k <= sorted.length; k++) {
        bucketRows.add(
            RowFactory.create(entry.getKey(), k, k == 0 ? null : sorted[k - 1], k == sorted.length ? null : sorted[k]));
      }
    }
    Dataset<Row> bucketTable =
        spark.createDataFrame(
            bucketRows,
            new StructType()
                .add("bucket_request", DataTypes.IntegerType, false)
                .add("bucket", DataTypes.IntegerType, false)
                .add("bucket_start", DataTypes.DoubleType, true)
                .add("bucket_end", DataTypes.DoubleType, true));
    List<Row> bucketCounts =
        pairsByColumn
            .join(
                broadcast(bucketTable),
                col(REQUEST)
                    .equalTo(col("bucket_request"))
                    .and(col("bucket_start").isNull().or(col(VALUE).geq(col("bucket_start"))))
                    .and(col("bucket_end").isNull().or(col(VALUE).lt(col("bucket_end")))))
            .groupBy(col("bucket_request"), col("bucket"))
            .count()
            .collectAsList();
    java.util.Map<Integer, long[]> perBucket = new java.util.TreeMap<>();
    for (var entry : lows.entrySet()) {
      perBucket.put(entry.getKey(), new long[entry.getValue().length + 1]);
    }
    for (Row bucket : bucketCounts) {
      perBucket.get(bucket.getInt(0))[bucket.getInt(1)] = bucket.getLong(2);
    }

    List<TreeMap<Double, Long>> inside = new ArrayList<>();
    long[] below = new long[windows.size()];
    for (int w = 0; w < windows.size(); w++) {
      inside.add(new TreeMap<>());
      Window window = windows.get(w);
      // Buckets 0..j-1 lie below the j-th distinct low (1-based), the window's own.
      int j = java.util.Arrays.binarySearch(lows.get(window.request()), window.low()) + 1;
      long[] counts = perBucket.get(window.request());
      for (int k = 0; k < j; k++) {
        below[w] += counts[k];
      }
    }
    for (Row bucket : histogram) {
      inside.get(bucket.getInt(0)).merge(bucket.getDouble(1), bucket.getLong(2), Long::sum);
    }
    double[][] found = new double[result.length][];
    boolean[] failed = new boolean[result.length];
    for (int w = 0; w < windows.size(); w++) {
      Window window = windows.get(w);
      Double value = null;
      long seen = below[w];
      if (seen < window.rank()) {
        for (var entry : inside.get(w).entrySet()) {
          seen += entry.getValue();
          if (seen >= window.rank()) {
            value = entry.getKey();
            break;
          }
        }
      }
      if (value == null) {
        failed[window.request()] = true;
        continue;
      }
      if (found[window.request()] == null) {
        found[window.request()] = new double[requests.get(window.request()).probabilities().length];
      }
      found[window.request()][window.quantile()] = value;
    }
    for (int i = 0; i < result.length; i++) {
      if (found[i] != null && !failed[i]) {
        result[i] = found[i];
      }
    }
  }

  private static final String REQUEST = "quantile_request";
  private static final String VALUE = "quantile_value";

  private static String valueName(int request) {
    return "quantile_value_" + request;
  }
}
