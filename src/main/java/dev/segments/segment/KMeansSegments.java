package dev.segments.segment;

import static dev.segments.Columns.AVG_ORDER_VALUE;
import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.CLUSTER_NAME;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.RECENCY_DAYS;
import static dev.segments.Columns.RETURN_RATE;
import static dev.segments.Columns.TENURE_DAYS;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segments.config.SegmentsConfig.KMeans;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * MLlib k-means (or bisecting k-means) beside the rules, on standardised features. Grain of the
 * assignments: one row per scored customer with {@code cluster_id} and a readable {@code
 * cluster_name}. Ids are stable: a cluster that matches one of the previous run's profiles keeps its
 * id and name; the others are numbered by value (highest mean monetary first).
 */
public final class KMeansSegments {
  /**
   * Customers per partition when fitting. Fitting runs on a partitioning fixed by the data alone (a
   * count derived from the number of customers, the hash of the customer id, sorted within
   * partitions), since MLlib's k-means|| initialisation depends on how the rows are split. Each
   * iteration is a Spark job, so small data fits best in one partition.
   */
  static final long CUSTOMERS_PER_PARTITION = 200_000;

  /** A previous cluster is the same cluster when its centroid is this close (in standard deviations). */
  static final double MATCH_DISTANCE = 1.0;

  private static final String FEATURES = "_features";
  private static final String PREDICTION = "_prediction";
  private static final String SILHOUETTE = "_silhouette";

  private KMeansSegments() {}

  /** One cluster in business units. */
  public record ClusterProfile(
      int clusterId,
      String name,
      long customers,
      double recencyDays,
      double frequency,
      double monetary,
      double revenue,
      double silhouette) {}

  /** The silhouette of one k tried. */
  public record KScore(int k, double silhouette) {}

  /**
   * @param status "fitted", "disabled", or "skipped: why"
   * @param assignments customer_id, cluster_id, cluster_name; null unless fitted
   */
  public record Result(
      String status,
      int k,
      String algorithm,
      double silhouette,
      Dataset<Row> assignments,
      List<ClusterProfile> profiles,
      List<KScore> tried,
      ClusterModel model) {
    public boolean fitted() {
      return assignments != null;
    }

    public static Result notFitted(String status, String algorithm) {
      return new Result(status, 0, algorithm, 0.0, null, List.of(), List.of(), null);
    }
  }

  /**
   * What assigning a customer needs: the standardisation and the centres in standard units, by
   * cluster id. Kept between runs so nightly runs assign to the same clusters until a refit.
   */
  public record ClusterModel(
      java.time.LocalDate fittedAsOf,
      String algorithm,
      List<String> features,
      double[] means,
      double[] stds,
      List<Centre> centres) {}

  public record Centre(int clusterId, String name, double[] z) {}

  public static final org.apache.spark.sql.types.StructType MODEL_SCHEMA =
      new org.apache.spark.sql.types.StructType()
          .add("as_of", DataTypes.DateType, false)
          .add("fitted_as_of", DataTypes.DateType, false)
          .add("algorithm", DataTypes.StringType, false)
          .add("features", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("means", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add("stds", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
          .add(CLUSTER_ID, DataTypes.IntegerType, false)
          .add(CLUSTER_NAME, DataTypes.StringType, false)
          .add("centre", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** The kmeans_models rows of one date: the model its clusters were assigned with. */
  public static Dataset<Row> modelTable(
      org.apache.spark.sql.SparkSession spark, Result result, java.time.LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    ClusterModel m = result.model();
    if (m != null) {
      for (Centre c : m.centres()) {
        rows.add(
            org.apache.spark.sql.RowFactory.create(
                java.sql.Date.valueOf(asOf), java.sql.Date.valueOf(m.fittedAsOf()), m.algorithm(),
                m.features().toArray(String[]::new), boxed(m.means()), boxed(m.stds()), c.clusterId(), c.name(),
                boxed(c.z())));
      }
    }
    return spark.createDataFrame(rows, MODEL_SCHEMA);
  }

  /** A model read back from one date's kmeans_models rows; null when there are none. */
  public static ClusterModel modelFrom(List<Row> rows) {
    if (rows.isEmpty()) {
      return null;
    }
    Row first = rows.get(0);
    List<Centre> centres = new ArrayList<>();
    for (Row r : rows) {
      centres.add(new Centre(r.getAs(CLUSTER_ID), r.getAs(CLUSTER_NAME), unboxed(r.getList(r.fieldIndex("centre")))));
    }
    centres.sort(Comparator.comparingInt(Centre::clusterId));
    return new ClusterModel(
        first.getDate(first.fieldIndex("fitted_as_of")).toLocalDate(),
        first.getAs("algorithm"),
        first.<String>getList(first.fieldIndex("features")),
        unboxed(first.getList(first.fieldIndex("means"))),
        unboxed(first.getList(first.fieldIndex("stds"))),
        centres);
  }

  private static Double[] boxed(double[] values) {
    return java.util.Arrays.stream(values).boxed().toArray(Double[]::new);
  }

  private static double[] unboxed(List<Object> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  public static final org.apache.spark.sql.types.StructType PROFILES_SCHEMA =
      new org.apache.spark.sql.types.StructType()
          .add("as_of", DataTypes.DateType, false)
          .add(CLUSTER_ID, DataTypes.IntegerType, false)
          .add(CLUSTER_NAME, DataTypes.StringType, false)
          .add("customers", DataTypes.LongType, false)
          .add("share", DataTypes.DoubleType, false)
          .add("revenue", DataTypes.DoubleType, false)
          .add("revenue_share", DataTypes.DoubleType, true)
          .add("mean_recency_days", DataTypes.DoubleType, false)
          .add("mean_frequency", DataTypes.DoubleType, false)
          .add("mean_monetary", DataTypes.DoubleType, false)
          .add("silhouette", DataTypes.DoubleType, false)
          .add("algorithm", DataTypes.StringType, false);

  public static final org.apache.spark.sql.types.StructType SELECTION_SCHEMA =
      new org.apache.spark.sql.types.StructType()
          .add("as_of", DataTypes.DateType, false)
          .add("k", DataTypes.IntegerType, false)
          .add("silhouette", DataTypes.DoubleType, false)
          .add("chosen", DataTypes.BooleanType, false)
          .add("algorithm", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false);

  /** The cluster_profiles rows of one as-of date (empty unless fitted). */
  public static Dataset<Row> profilesTable(
      org.apache.spark.sql.SparkSession spark, Result result, java.time.LocalDate asOf) {
    long total = result.profiles().stream().mapToLong(ClusterProfile::customers).sum();
    double revenue = result.profiles().stream().mapToDouble(p -> Math.max(p.revenue(), 0)).sum();
    List<Row> rows = new ArrayList<>();
    for (ClusterProfile p : result.profiles()) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              java.sql.Date.valueOf(asOf), p.clusterId(), p.name(), p.customers(),
              (double) p.customers() / total, p.revenue(),
              revenue > 0 ? p.revenue() / revenue : null, p.recencyDays(), p.frequency(), p.monetary(),
              p.silhouette(), result.algorithm()));
    }
    return spark.createDataFrame(rows, PROFILES_SCHEMA);
  }

  /** The kmeans_selection rows: every k tried and its silhouette, or the reason none was fitted. */
  public static Dataset<Row> selectionTable(
      org.apache.spark.sql.SparkSession spark, Result result, java.time.LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    for (KScore score : result.tried()) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              java.sql.Date.valueOf(asOf), score.k(), score.silhouette(), score.k() == result.k(),
              result.algorithm(), result.status()));
    }
    return spark.createDataFrame(rows, SELECTION_SCHEMA);
  }

  /** Profiles read back from a cluster_profiles table, to keep ids stable on the next run. */
  public static List<ClusterProfile> profilesFrom(List<Row> rows) {
    List<ClusterProfile> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(
          new ClusterProfile(
              r.getAs(CLUSTER_ID), r.getAs(CLUSTER_NAME), r.<Long>getAs("customers"),
              r.<Double>getAs("mean_recency_days"), r.<Double>getAs("mean_frequency"),
              r.<Double>getAs("mean_monetary"), r.<Double>getAs("revenue"), r.<Double>getAs("silhouette")));
    }
    return out;
  }

  static int fitPartitions(long customers) {
    return (int) Math.max(1, Math.min(256, (customers + CUSTOMERS_PER_PARTITION - 1) / CUSTOMERS_PER_PARTITION));
  }

  /**
   * @param customers the number of scored customers (fixes the partitioning)
   * @param previous the latest earlier run's cluster profiles, to keep ids stable; may be empty
   */
  public static Result fit(Dataset<Row> scored, long customers, KMeans cfg, List<ClusterProfile> previous) {
    return fit(scored, customers, cfg, previous, java.time.LocalDate.EPOCH);
  }

  /** As {@link #fit(Dataset, long, KMeans, List)}, recording the date the model was fitted for. */
  public static Result fit(
      Dataset<Row> scored, long customers, KMeans cfg, List<ClusterProfile> previous, java.time.LocalDate asOf) {
    if (!cfg.enabled()) {
      return Result.notFitted("disabled", cfg.algorithm());
    }
    List<String> names = cfg.features();
    List<String> z = zNames(names);
    Dataset<Row> prepared = prepare(scored, customers, names);

    // Standardise by hand (population standard deviation; a constant feature becomes 0, not NaN).
    List<Column> moments = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      moments.add(mean(col("_f" + i)));
      moments.add(stddev_pop(col("_f" + i)));
    }
    Row m = prepared.agg(moments.get(0), moments.subList(1, moments.size()).toArray(Column[]::new)).first();
    double[] mus = new double[names.size()];
    double[] sds = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      mus[i] = m.getDouble(2 * i);
      sds[i] = m.getDouble(2 * i + 1);
    }
    Dataset<Row> standardised = standardise(prepared, mus, sds);
    long distinct = standardised.select(z.stream().map(c -> col(c)).toArray(Column[]::new)).distinct().limit(cfg.kMax()).count();
    if (distinct < cfg.kMin()) {
      return Result.notFitted(
          "skipped: " + distinct + " distinct customer profile" + (distinct == 1 ? "" : "s")
              + ", fewer than k=" + cfg.kMin(),
          cfg.algorithm());
    }
    return fitStandardised(standardised, customers, distinct, cfg, previous, asOf, mus, sds);
  }

  private static List<String> zNames(List<String> names) {
    List<String> z = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      z.add("_z" + i);
    }
    return z;
  }

  /** The model features of each customer as _f0.._fn, on a partitioning fixed by the data alone. */
  private static Dataset<Row> prepare(Dataset<Row> scored, long customers, List<String> names) {
    Dataset<Row> prepared =
        scored.select(
            col(CUSTOMER_ID),
            col(RECENCY_DAYS).cast(DataTypes.DoubleType).as(RECENCY_DAYS),
            col(FREQUENCY).cast(DataTypes.DoubleType).as(FREQUENCY),
            col(MONETARY).cast(DataTypes.DoubleType).as(MONETARY),
            col(AVG_ORDER_VALUE).cast(DataTypes.DoubleType).as(AVG_ORDER_VALUE),
            col(RETURN_RATE).cast(DataTypes.DoubleType).as(RETURN_RATE),
            col(TENURE_DAYS).cast(DataTypes.DoubleType).as(TENURE_DAYS));
    for (int i = 0; i < names.size(); i++) {
      prepared = prepared.withColumn("_f" + i, feature(names.get(i)));
    }
    return prepared.repartition(fitPartitions(customers), col(CUSTOMER_ID)).sortWithinPartitions(CUSTOMER_ID);
  }

  /** _z columns in standard units (a constant feature becomes 0, not NaN). */
  private static Dataset<Row> standardise(Dataset<Row> prepared, double[] mus, double[] sds) {
    Dataset<Row> standardised = prepared;
    for (int i = 0; i < mus.length; i++) {
      standardised =
          standardised.withColumn("_z" + i, sds[i] > 0 ? col("_f" + i).minus(mus[i]).divide(sds[i]) : lit(0.0));
    }
    return standardised;
  }

  private static Result fitStandardised(
      Dataset<Row> standardised,
      long customers,
      long distinct,
      KMeans cfg,
      List<ClusterProfile> previous,
      java.time.LocalDate asOf,
      double[] mus,
      double[] sds) {
    List<String> z = zNames(cfg.features());
    // MLlib's bisecting k-means splits a cluster by perturbing its centre in proportion to the
    // centre's norm, so a centred root (all zeros) never splits. Distances do not change under a
    // shift, so the vectors are moved off the origin by 1 in every dimension.
    List<String> shifted = new ArrayList<>();
    for (String c : z) {
      standardised = standardised.withColumn(c + "_s", col(c).plus(1.0));
      shifted.add(c + "_s");
    }
    Dataset<Row> vectors =
        new VectorAssembler()
            .setInputCols(shifted.toArray(String[]::new))
            .setOutputCol(FEATURES)
            .transform(standardised)
            .cache();

    Dataset<Row> sample = vectors;
    if (cfg.searchesK() && customers > cfg.selectionSample()) {
      // Choosing k needs only the shape of the data: silhouettes on a fixed-seed sample.
      sample = vectors.sample(false, (double) cfg.selectionSample() / customers, cfg.seed()).cache();
    }
    List<KScore> tried = new ArrayList<>();
    Model<?> best = null;
    Silhouettes bestSilhouettes = null;
    for (int k = cfg.kMin(); k <= Math.min(cfg.kMax(), distinct); k++) {
      Model<?> model = train(vectors, k, cfg);
      Silhouettes candidate = silhouette(model.transform(sample), z);
      tried.add(new KScore(k, candidate.overall()));
      if (best == null || candidate.overall() > bestSilhouettes.overall()) {
        best = model;
        bestSilhouettes = candidate;
      }
    }
    // Without a sample the chosen model's silhouettes are already those of every customer.
    Silhouettes silhouettes =
        sample == vectors ? bestSilhouettes : silhouette(best.transform(vectors), z);
    Dataset<Row> predicted = silhouettes.points();
    List<Row> stats = clusterStats(silhouettes.points());
    Map<Integer, ClusterProfile> byPrediction = label(stats, previous);
    List<ClusterProfile> profiles = new ArrayList<>(byPrediction.values());
    profiles.sort(Comparator.comparingInt(ClusterProfile::clusterId));
    org.apache.spark.ml.linalg.Vector[] centers =
        best instanceof org.apache.spark.ml.clustering.KMeansModel km
            ? km.clusterCenters()
            : ((org.apache.spark.ml.clustering.BisectingKMeansModel) best).clusterCenters();
    List<Centre> centres = new ArrayList<>();
    for (var entry : byPrediction.entrySet()) {
      double[] shiftedCentre = centers[entry.getKey()].toArray();
      double[] centre = new double[shiftedCentre.length];
      for (int i = 0; i < centre.length; i++) {
        centre[i] = shiftedCentre[i] - 1.0;
      }
      centres.add(new Centre(entry.getValue().clusterId(), entry.getValue().name(), centre));
    }
    centres.sort(Comparator.comparingInt(Centre::clusterId));
    return new Result(
        "fitted",
        profiles.size(),
        cfg.algorithm(),
        silhouettes.overall(),
        relabel(predicted, byPrediction),
        profiles,
        tried,
        new ClusterModel(asOf, cfg.algorithm(), cfg.features(), mus, sds, centres));
  }

  /**
   * Assigns every customer to the nearest centre of a stored model (ties to the lower cluster id),
   * without refitting, and measures the clusters as they are today.
   */
  /** Per cluster (k rows): prediction, customers, mean recency, frequency, monetary, revenue, silhouette. */
  private static List<Row> clusterStats(Dataset<Row> points) {
    return points
        .groupBy(col(PREDICTION))
        .agg(
            count(lit(1)),
            avg(col(RECENCY_DAYS)),
            avg(col(FREQUENCY)),
            avg(col(MONETARY)),
            sum(col(MONETARY)),
            avg(col(SILHOUETTE)))
        .collectAsList();
  }

  public static Result assign(Dataset<Row> scored, long customers, ClusterModel model) {
    List<String> z = zNames(model.features());
    Dataset<Row> standardised =
        standardise(prepare(scored, customers, model.features()), model.means(), model.stds());
    Column nearest = null;
    Column best = null;
    for (Centre c : model.centres()) {
      Column d2 = lit(0.0);
      for (int i = 0; i < z.size(); i++) {
        Column diff = col(z.get(i)).minus(c.z()[i]);
        d2 = d2.plus(diff.multiply(diff));
      }
      if (nearest == null) {
        nearest = lit(c.clusterId());
        best = d2;
      } else {
        nearest = when(d2.lt(best), lit(c.clusterId())).otherwise(nearest);
        best = least(best, d2);
      }
    }
    Dataset<Row> predicted = standardised.withColumn(PREDICTION, nearest).cache();
    Silhouettes silhouettes = silhouette(predicted, z);
    Map<Integer, Row> stats = new HashMap<>();
    for (Row r : clusterStats(silhouettes.points())) {
      stats.put(r.getInt(0), r);
    }
    Map<Integer, ClusterProfile> byId = new java.util.LinkedHashMap<>();
    for (Centre c : model.centres()) {
      Row r = stats.get(c.clusterId());
      if (r != null) {
        byId.put(
            c.clusterId(),
            new ClusterProfile(
                c.clusterId(), c.name(), r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
                r.getDouble(5), r.getDouble(6)));
      }
    }
    List<ClusterProfile> profiles = new ArrayList<>(byId.values());
    return new Result(
        "assigned with the model fitted as of " + model.fittedAsOf(),
        model.centres().size(),
        model.algorithm(),
        silhouettes.overall(),
        relabel(predicted, byId),
        profiles,
        List.of(),
        model);
  }

  private static Column feature(String name) {
    return switch (name) {
      case "recency" -> col(RECENCY_DAYS);
      case "log-frequency" -> log1p(col(FREQUENCY));
      case "log-monetary" -> log1p(greatest(col(MONETARY), lit(0.0)));
      case "frequency" -> col(FREQUENCY);
      case "monetary" -> col(MONETARY);
      case "avg-order-value" -> col(AVG_ORDER_VALUE);
      case "return-rate" -> col(RETURN_RATE);
      case "tenure" -> col(TENURE_DAYS);
      default -> throw new IllegalArgumentException("Invalid kmeans.features: " + name);
    };
  }

  private static Model<?> train(Dataset<Row> cachedVectors, int k, KMeans cfg) {
    // MLlib keeps its own points (vector, norm, weight) in memory only when its input is not cached;
    // given the cached table itself, every Lloyd iteration read it back and rebuilt each customer's
    // vector. A projection of it is not the cached plan: MLlib caches its points, from the same
    // partitions in the same order, so the model is the same.
    Dataset<Row> vectors = cachedVectors.select(col(FEATURES));
    if (cfg.algorithm().equals("bisecting")) {
      return new BisectingKMeans()
          .setK(k)
          .setSeed(cfg.seed())
          .setMaxIter(cfg.maxIter())
          .setFeaturesCol(FEATURES)
          .setPredictionCol(PREDICTION)
          .fit(vectors);
    }
    return new org.apache.spark.ml.clustering.KMeans()
        .setK(k)
        .setSeed(cfg.seed())
        .setMaxIter(cfg.maxIter())
        .setFeaturesCol(FEATURES)
        .setPredictionCol(PREDICTION)
        .fit(vectors);
  }

  /** Per-point silhouettes and their mean. */
  record Silhouettes(Dataset<Row> points, double overall) {}

  /**
   * The silhouette with squared Euclidean distance, from per-cluster sums in one aggregation: the
   * mean squared distance from x to cluster C is |x|^2 - 2 x.mean(C) + mean(|y|^2 over C), so no
   * pairwise distances are needed. A point alone in its cluster scores 0.
   */
  static Silhouettes silhouette(Dataset<Row> predicted, List<String> z) {
    Column norm = lit(0.0);
    for (String c : z) {
      norm = norm.plus(col(c).multiply(col(c)));
    }
    Dataset<Row> withNorm = predicted.withColumn("_norm", norm);
    List<Column> sums = new ArrayList<>();
    sums.add(sum(col("_norm")));
    for (String c : z) {
      sums.add(sum(col(c)));
    }
    Map<Integer, double[]> clusters = new HashMap<>();
    for (Row r :
        withNorm.groupBy(col(PREDICTION)).agg(count(lit(1)), sums.toArray(Column[]::new)).collectAsList()) {
      double[] s = new double[z.size() + 2];
      s[0] = r.getLong(1);
      for (int i = 0; i <= z.size(); i++) {
        s[i + 1] = r.getDouble(i + 2);
      }
      clusters.put(r.getInt(0), s);
    }
    Column own = lit(0.0);
    List<Column> others = new ArrayList<>();
    for (var entry : clusters.entrySet()) {
      double[] s = entry.getValue();
      double n = s[0];
      Column distance = col("_norm").plus(s[1] / n);
      for (int i = 0; i < z.size(); i++) {
        distance = distance.minus(col(z.get(i)).multiply(2 * s[i + 2] / n));
      }
      Column mine = col(PREDICTION).equalTo(entry.getKey());
      // Excluding the point itself from its own cluster's mean: scale by n / (n - 1).
      own = when(mine, n > 1 ? distance.multiply(n / (n - 1)) : lit(Double.NaN)).otherwise(own);
      others.add(when(mine.unary_$bang(), distance));
    }
    Column a = greatest(own, lit(0.0));
    Column b = others.size() == 1 ? lit(Double.NaN) : greatest(least(others.toArray(Column[]::new)), lit(0.0));
    Column s =
        when(own.isNaN().or(b.isNaN()), lit(0.0))
            .when(greatest(a, b).equalTo(0.0), lit(0.0))
            .otherwise(b.minus(a).divide(greatest(a, b)));
    Dataset<Row> points = withNorm.withColumn(SILHOUETTE, s);
    Row overall = points.agg(avg(col(SILHOUETTE))).first();
    return new Silhouettes(points, overall.isNullAt(0) ? 0.0 : overall.getDouble(0));
  }

  /**
   * Ids and names: clusters close to a previous profile keep its id and name; the rest take the free
   * ids in value order (highest mean monetary first) and a name from their profile.
   */
  private static Map<Integer, ClusterProfile> label(List<Row> stats, List<ClusterProfile> previous) {
    List<Row> ordered = new ArrayList<>(stats);
    ordered.sort(
        Comparator.<Row>comparingDouble(r -> -r.getDouble(4))
            .thenComparingDouble(r -> -r.getDouble(3))
            .thenComparingDouble(r -> r.getDouble(2))
            .thenComparingInt(r -> r.getInt(0)));
    long total = ordered.stream().mapToLong(r -> r.getLong(1)).sum();
    double[] means = new double[3];
    double[] spread = new double[3];
    for (Row r : ordered) {
      for (int d = 0; d < 3; d++) {
        means[d] += r.getDouble(2 + d) * r.getLong(1) / total;
      }
    }
    for (Row r : ordered) {
      for (int d = 0; d < 3; d++) {
        spread[d] += Math.pow(r.getDouble(2 + d) - means[d], 2) * r.getLong(1) / total;
      }
    }
    for (int d = 0; d < 3; d++) {
      spread[d] = spread[d] > 0 ? Math.sqrt(spread[d]) : 1.0;
    }

    Map<Integer, ClusterProfile> matched = new HashMap<>();
    Set<Integer> usedIds = new HashSet<>();
    if (!previous.isEmpty()) {
      record Pair(int row, ClusterProfile old, double distance) {}
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < ordered.size(); i++) {
        Row r = ordered.get(i);
        for (ClusterProfile old : previous) {
          double d2 = 0;
          double[] now = {r.getDouble(2), r.getDouble(3), r.getDouble(4)};
          double[] then = {old.recencyDays(), old.frequency(), old.monetary()};
          for (int d = 0; d < 3; d++) {
            d2 += Math.pow((now[d] - then[d]) / spread[d], 2);
          }
          pairs.add(new Pair(i, old, Math.sqrt(d2)));
        }
      }
      pairs.sort(Comparator.comparingDouble(Pair::distance).thenComparingInt(p -> p.old().clusterId()));
      Set<Integer> takenRows = new HashSet<>();
      for (Pair p : pairs) {
        if (p.distance() <= MATCH_DISTANCE && !takenRows.contains(p.row()) && !usedIds.contains(p.old().clusterId())) {
          takenRows.add(p.row());
          usedIds.add(p.old().clusterId());
          matched.put(p.row(), p.old());
        }
      }
    }
    Map<Integer, ClusterProfile> out = new java.util.LinkedHashMap<>();
    Set<String> usedNames = new HashSet<>();
    matched.values().forEach(p -> usedNames.add(p.name()));
    int nextId = 1;
    for (int i = 0; i < ordered.size(); i++) {
      Row r = ordered.get(i);
      int id;
      String name;
      if (matched.containsKey(i)) {
        id = matched.get(i).clusterId();
        name = matched.get(i).name();
      } else {
        while (usedIds.contains(nextId)) {
          nextId++;
        }
        id = nextId;
        usedIds.add(id);
        name = ClusterNames.name(r.getDouble(2), r.getDouble(3), r.getDouble(4), means[0], means[1], means[2]);
        String base = name;
        for (int n = 2; usedNames.contains(name); n++) {
          name = base + " (" + n + ")";
        }
        usedNames.add(name);
      }
      out.put(
          r.getInt(0),
          new ClusterProfile(
              id, name, r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6)));
    }
    return out;
  }

  private static Dataset<Row> relabel(Dataset<Row> predicted, Map<Integer, ClusterProfile> byPrediction) {
    Column id = lit(null).cast(DataTypes.IntegerType);
    Column name = lit(null).cast(DataTypes.StringType);
    for (var entry : byPrediction.entrySet()) {
      Column isCluster = col(PREDICTION).equalTo(entry.getKey());
      id = when(isCluster, lit(entry.getValue().clusterId())).otherwise(id);
      name = when(isCluster, lit(entry.getValue().name())).otherwise(name);
    }
    return predicted.select(col(CUSTOMER_ID), id.as(CLUSTER_ID), name.as(CLUSTER_NAME));
  }
}
