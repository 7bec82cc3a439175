package dev.segments.segment;

import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.CLUSTER_NAME;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.RECENCY_DAYS;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.when;

import dev.segments.config.SegmentsConfig.KMeans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * MLlib k-means beside the rules, on standardised recency, log frequency and log monetary (negative
 * net values clamped to 0). Grain of the assignments: one row per scored customer with {@code
 * cluster_id} 1..k, numbered by value (1 = the highest mean monetary), and a readable name.
 */
public final class KMeansSegments {
  /**
   * Customers per partition when fitting. Fitting runs on a partitioning fixed by the data alone (a
   * count derived from the number of customers, the hash of the customer id, sorted within
   * partitions), since MLlib's k-means|| initialisation depends on how the rows are split. Each of
   * the up to max-iter iterations is a Spark job, so small data fits best in one partition.
   */
  static final long CUSTOMERS_PER_PARTITION = 200_000;

  static int fitPartitions(long customers) {
    return (int) Math.max(1, Math.min(256, (customers + CUSTOMERS_PER_PARTITION - 1) / CUSTOMERS_PER_PARTITION));
  }

  private static final String FEATURES = "_features";
  private static final String SCALED = "_scaled";
  private static final String PREDICTION = "_prediction";

  private KMeansSegments() {}

  /** One cluster in business units. */
  public record ClusterProfile(
      int clusterId, String name, long customers, double recencyDays, double frequency, double monetary) {}

  /**
   * @param status "fitted", "disabled", or "skipped: why"
   * @param assignments customer_id, cluster_id, cluster_name; null unless fitted
   */
  public record Result(String status, int k, Dataset<Row> assignments, List<ClusterProfile> profiles) {
    public boolean fitted() {
      return assignments != null;
    }
  }

  public static Result fit(Dataset<Row> scored, long customers, KMeans cfg) {
    if (!cfg.enabled()) {
      return new Result("disabled", 0, null, List.of());
    }
    int k = cfg.k();
    Dataset<Row> prepared =
        scored
            .select(
                col(CUSTOMER_ID),
                col(RECENCY_DAYS).cast(DataTypes.DoubleType).as(RECENCY_DAYS),
                col(FREQUENCY).cast(DataTypes.DoubleType).as(FREQUENCY),
                col(MONETARY).cast(DataTypes.DoubleType).as(MONETARY))
            .withColumn("_log_frequency", log1p(col(FREQUENCY)))
            .withColumn("_log_monetary", log1p(greatest(col(MONETARY), lit(0.0))))
            .repartition(fitPartitions(customers), col(CUSTOMER_ID))
            .sortWithinPartitions(CUSTOMER_ID);
    String[] inputs = {RECENCY_DAYS, "_log_frequency", "_log_monetary"};
    long distinctPoints =
        prepared.select(inputs[0], inputs[1], inputs[2]).distinct().limit(k).count();
    if (distinctPoints < k) {
      return new Result(
          "skipped: " + distinctPoints + " distinct customer profiles, fewer than k=" + k, k, null, List.of());
    }
    Dataset<Row> assembled =
        new VectorAssembler().setInputCols(inputs).setOutputCol(FEATURES).transform(prepared);
    Dataset<Row> scaled =
        new StandardScaler()
            .setInputCol(FEATURES)
            .setOutputCol(SCALED)
            .setWithMean(true)
            .setWithStd(true)
            .fit(assembled)
            .transform(assembled)
            .select(col(CUSTOMER_ID), col(RECENCY_DAYS), col(FREQUENCY), col(MONETARY), col(SCALED))
            .cache();
    KMeansModel model =
        new org.apache.spark.ml.clustering.KMeans()
            .setK(k)
            .setSeed(cfg.seed())
            .setMaxIter(cfg.maxIter())
            .setFeaturesCol(SCALED)
            .setPredictionCol(PREDICTION)
            .fit(scaled);
    Dataset<Row> predicted = model.transform(scaled);
    List<Row> stats =
        predicted
            .groupBy(col(PREDICTION))
            .agg(count(lit(1)), avg(col(RECENCY_DAYS)), avg(col(FREQUENCY)), avg(col(MONETARY)))
            .collectAsList();
    List<Row> ordered = byValue(stats);
    List<ClusterProfile> profiles = profiles(ordered);
    return new Result("fitted", profiles.size(), relabel(predicted, ordered, profiles), profiles);
  }

  /** Ids by value: the highest mean monetary first, ties by frequency, recency, then MLlib's index. */
  private static List<Row> byValue(List<Row> stats) {
    List<Row> ordered = new ArrayList<>(stats);
    ordered.sort(
        Comparator.<Row>comparingDouble(r -> -r.getDouble(4))
            .thenComparingDouble(r -> -r.getDouble(3))
            .thenComparingDouble(r -> r.getDouble(2))
            .thenComparingInt(r -> r.getInt(0)));
    return ordered;
  }

  private static List<ClusterProfile> profiles(List<Row> ordered) {
    long total = ordered.stream().mapToLong(r -> r.getLong(1)).sum();
    double meanRecency = ordered.stream().mapToDouble(r -> r.getDouble(2) * r.getLong(1)).sum() / total;
    double meanFrequency = ordered.stream().mapToDouble(r -> r.getDouble(3) * r.getLong(1)).sum() / total;
    double meanMonetary = ordered.stream().mapToDouble(r -> r.getDouble(4) * r.getLong(1)).sum() / total;
    List<ClusterProfile> out = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      Row r = ordered.get(i);
      out.add(
          new ClusterProfile(
              i + 1,
              ClusterNames.name(r.getDouble(2), r.getDouble(3), r.getDouble(4), meanRecency, meanFrequency, meanMonetary),
              r.getLong(1),
              r.getDouble(2),
              r.getDouble(3),
              r.getDouble(4)));
    }
    return out;
  }

  /** Maps MLlib's cluster index to the value-ordered id; {@code ordered} is in id order. */
  private static Dataset<Row> relabel(
      Dataset<Row> predicted, List<Row> ordered, List<ClusterProfile> profiles) {
    Column id = lit(null).cast(DataTypes.IntegerType);
    Column name = lit(null).cast(DataTypes.StringType);
    for (int i = 0; i < ordered.size(); i++) {
      Column isCluster = col(PREDICTION).equalTo(ordered.get(i).getInt(0));
      id = when(isCluster, lit(profiles.get(i).clusterId())).otherwise(id);
      name = when(isCluster, lit(profiles.get(i).name())).otherwise(name);
    }
    return predicted.select(col(CUSTOMER_ID), id.as(CLUSTER_ID), name.as(CLUSTER_NAME));
  }
}
