package dev.segments.job;

import static dev.segments.Columns.AOV_SCORE;
import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.COST_SCORE;
import static dev.segments.Columns.CUSTOMER_CLASS;
import static dev.segments.Columns.LIFECYCLE_STAGE;
import static dev.segments.Columns.LOYAL;
import static dev.segments.Columns.LOYALTY_CLASS;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.PROFITABLE;
import static dev.segments.Columns.PURCHASE_PATTERN;
import static dev.segments.Columns.QUADRANT;
import static dev.segments.Columns.RELATIONSHIP_SCORE;
import static dev.segments.Columns.TENURE_SCORE;
import static dev.segments.Columns.VALUE_TIER;
import static dev.segments.Columns.VALUE_TREND;
import static dev.segments.Columns.BATCH_ID;
import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.CLUSTER_NAME;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.F_SCORE;
import static dev.segments.Columns.M_SCORE;
import static dev.segments.Columns.RFM_SEGMENT;
import static dev.segments.Columns.RUN_ID;
import static dev.segments.Columns.R_SCORE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.segments.SegmentsException;
import dev.segments.clean.Cleaner;
import dev.segments.clean.RawInput;
import dev.segments.clean.Reconciliation;
import dev.segments.clean.TransactionReader;
import dev.segments.config.SegmentsConfig;
import dev.segments.compare.Comparison;
import dev.segments.compare.Pareto;
import dev.segments.features.CustomerFeatures;
import dev.segments.features.Quantiles;
import dev.segments.features.RfmScores;
import dev.segments.io.RunLog;
import dev.segments.io.RunRecord;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.segment.KMeansSegments;
import dev.segments.segment.RuleFamilies;
import java.util.ArrayList;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The job driver: read → clean → features and scores → segments → Delta tables, then one row in
 * {@code runs}. The only place besides {@code io/} that reads or writes; stages stay pure.
 */
public final class SegmentationJob {
  private SegmentationJob() {}

  /** What a finished run reports. */
  public record Outcome(
      RunRecord run,
      Comparison.Result comparison,
      Double top20RevenueShare,
      KMeansSegments.Result kmeans,
      String warehouse) {}

  /** The columns of customer_segments: keys, the scores behind the labels, a label per family, the cluster. */
  static final List<String> SEGMENT_COLUMNS =
      List.of(
          AS_OF, CUSTOMER_ID, R_SCORE, F_SCORE, M_SCORE, AOV_SCORE, COST_SCORE, TENURE_SCORE,
          RELATIONSHIP_SCORE, PROFITABLE, LOYAL, RFM_SEGMENT, CUSTOMER_CLASS, QUADRANT, LOYALTY_CLASS,
          VALUE_TIER, LIFECYCLE_STAGE, PURCHASE_PATTERN, VALUE_TREND, CLUSTER_ID, CLUSTER_NAME);

  public static Outcome run(SparkSession spark, SegmentsConfig cfg, String configHash) {
    Instant started = Instant.now();
    String runId =
        "run-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started)
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    if (!cfg.clean().excludedProducts().isEmpty() && cfg.columns().productId() == null) {
      throw SegmentsException.usage(
          "Invalid clean.excluded-products: needs columns.product-id to be mapped");
    }
    // Calendar days are taken in the configured zone, whatever the JVM's zone is.
    spark.conf().set("spark.sql.session.timeZone", cfg.columns().timeZone());
    Warehouse warehouse = new Warehouse(spark, cfg.output().warehouse());
    StageTimer timer = new StageTimer(spark);
    Progress progress = new Progress();
    try {
      return execute(spark, cfg, configHash, runId, started, warehouse, timer, progress);
    } catch (RuntimeException e) {
      recordFailure(spark, warehouse, runId, started, cfg, configHash, timer, progress, e);
      throw e;
    } finally {
      spark.catalog().clearCache();
    }
  }

  /** What is known so far, so that a failed run is recorded with it. */
  private static final class Progress {
    LocalDate asOf;
    String batchId;
    Reconciliation counts = new Reconciliation(0, 0, 0, 0);
  }

  private static Outcome execute(
      SparkSession spark,
      SegmentsConfig cfg,
      String configHash,
      String runId,
      Instant started,
      Warehouse warehouse,
      StageTimer timer,
      Progress progress) {
    RawInput raw = timer.time("read", () -> TransactionReader.read(spark, cfg.input(), cfg.columns()));
    progress.batchId = raw.batchId();

    Dataset<Row> validated =
        Cleaner.validate(raw, cfg.columns(), cfg.clean()).persist(StorageLevel.MEMORY_AND_DISK());
    Reconciliation counts = timer.time("clean", () -> Cleaner.reconcile(validated));
    progress.counts = counts;
    timer.log(
        "clean",
        String.format(
            "%,d input = %,d clean + %,d duplicates + %,d quarantined",
            counts.input(), counts.clean(), counts.duplicates(), counts.quarantined()));
    if (counts.input() == 0) {
      throw SegmentsException.noInput("Input has no rows: " + cfg.input().path());
    }
    if (!counts.balanced()) {
      throw new IllegalStateException("Row accounting does not balance: " + counts);
    }
    if (counts.rejectRate() > cfg.clean().maxRejectRate()) {
      throw SegmentsException.data(
          String.format(
              "%.2f%% of rows were quarantined, above clean.max-reject-rate %.2f%% (see the quarantine counts by reason)",
              100 * counts.rejectRate(), 100 * cfg.clean().maxRejectRate()));
    }
    Dataset<Row> lines = Cleaner.cleanLines(validated);

    Row dates =
        timer.time(
            "as-of",
            () ->
                lines
                    .agg(
                        max(col(EVENT_DATE)),
                        count(
                            when(
                                cfg.run().asOf() == null
                                    ? lit(false)
                                    : col(EVENT_DATE).gt(lit(java.sql.Date.valueOf(cfg.run().asOf()))),
                                lit(1))))
                    .first());
    if (dates.isNullAt(0)) {
      throw SegmentsException.data("No clean rows to score: every input row was quarantined");
    }
    LocalDate asOf = cfg.run().asOf() != null ? cfg.run().asOf() : dates.getDate(0).toLocalDate();
    long linesAfterAsOf = dates.getLong(1);
    progress.asOf = asOf;

    Dataset<Row> features =
        CustomerFeatures.compute(lines, asOf, cfg.features()).persist(StorageLevel.MEMORY_AND_DISK());
    Row customerCounts =
        timer.time(
            "features",
            () ->
                features
                    .agg(
                        count(when(col(FREQUENCY).geq(1), lit(1))),
                        count(when(col(FREQUENCY).equalTo(0), lit(1))))
                    .first());
    long scoredCustomers = customerCounts.getLong(0);
    long returnsOnly = customerCounts.getLong(1);
    timer.log(
        "features",
        String.format("%,d customers scored, %,d with returns only, as of %s", scoredCustomers, returnsOnly, asOf));

    Dataset<Row> scoredBase = CustomerFeatures.scored(features);
    SegmentsConfig.Segments rules = cfg.segments();
    double[] monetaryProbabilities =
        concat(
            new double[] {
              rules.quadrant().profitabilityPercentile() / 100,
              rules.valueTiers().highPercentile() / 100,
              rules.valueTiers().midPercentile() / 100
            },
            Pareto.probabilities());
    List<Quantiles.Request> requests = new ArrayList<>(RfmScores.requests());
    requests.add(new Quantiles.Request(MONETARY, monetaryProbabilities));
    List<Quantiles.Result> quantiles =
        timer.time(
            "scores", () -> Quantiles.compute(scoredBase, requests, cfg.features().quantileAccuracy()));
    List<RfmScores.Breakpoints> breakpoints =
        RfmScores.fromQuantiles(quantiles.subList(0, requests.size() - 1));
    double[] monetaryCuts = quantiles.get(requests.size() - 1).values();
    boolean anyScored = monetaryCuts.length > 0;
    RuleFamilies.MonetaryCuts cuts =
        anyScored
            ? new RuleFamilies.MonetaryCuts(monetaryCuts[0], monetaryCuts[1], monetaryCuts[2])
            : new RuleFamilies.MonetaryCuts(0, 0, 0);
    Dataset<Row> scored = RfmScores.apply(scoredBase, breakpoints);

    List<KMeansSegments.ClusterProfile> previous = previousProfiles(warehouse, asOf);
    KMeansSegments.Result kmeans =
        scoredCustomers == 0
            ? new KMeansSegments.Result(
                "skipped: no scored customers", 0, cfg.kmeans().algorithm(), 0.0, null, List.of(), List.of())
            : timer.time(
                "kmeans", () -> KMeansSegments.fit(scoredBase, scoredCustomers, cfg.kmeans(), previous));
    timer.log(
        "kmeans",
        kmeans.status()
            + (kmeans.fitted() ? String.format(", k=%d, silhouette %.3f", kmeans.k(), kmeans.silhouette()) : ""));
    Dataset<Row> labelled = RuleFamilies.assign(scored, rules, cuts);
    Dataset<Row> withClusters =
        kmeans.fitted()
            ? labelled.join(kmeans.assignments(), CUSTOMER_ID, "left")
            : labelled
                .withColumn(CLUSTER_ID, lit(null).cast("int"))
                .withColumn(CLUSTER_NAME, lit(null).cast("string"));
    // Customer grain, read by two writes and the comparison: computed once.
    Dataset<Row> all = withClusters.persist(StorageLevel.MEMORY_AND_DISK());
    List<Column> segmentColumns = new ArrayList<>();
    for (String name : SEGMENT_COLUMNS) {
      segmentColumns.add(col(name));
    }
    Dataset<Row> segments = all.select(segmentColumns.toArray(Column[]::new));

    Comparison.Result comparison =
        timer.time("compare", () -> Comparison.compute(spark, all, RuleFamilies.FAMILIES, asOf));
    Pareto.Curve pareto =
        timer.time(
            "compare",
            () ->
                Pareto.curve(
                    spark,
                    scoredBase,
                    anyScored ? Arrays.copyOfRange(monetaryCuts, 3, monetaryCuts.length) : new double[99],
                    scoredCustomers,
                    asOf));

    timer.time(
        "write",
        () ->
            writeAll(
                List.of(
                    () ->
                        warehouse.replaceBatch(
                            Tables.TRANSACTIONS,
                            lines.withColumn(BATCH_ID, lit(raw.batchId())),
                            raw.batchId()),
                    () ->
                        warehouse.replaceDate(
                            Tables.QUARANTINE,
                            Cleaner.quarantined(validated)
                                .withColumn(RUN_ID, lit(runId))
                                .withColumn(AS_OF, lit(java.sql.Date.valueOf(asOf))),
                            asOf),
                    () -> warehouse.replaceDate(Tables.CUSTOMER_FEATURES, scored, asOf),
                    () ->
                        warehouse.replaceDate(
                            Tables.SCORE_THRESHOLDS, RfmScores.table(spark, asOf, breakpoints), asOf),
                    () -> warehouse.replaceDate(Tables.CUSTOMER_SEGMENTS, segments, asOf),
                    () -> warehouse.replaceDate(Tables.SEGMENT_SUMMARY, comparison.summary(), asOf),
                    () -> warehouse.replaceDate(Tables.SEGMENT_COMPARISON, comparison.comparison(), asOf),
                    () ->
                        warehouse.replaceDate(
                            Tables.CLUSTER_PROFILES, KMeansSegments.profilesTable(spark, kmeans, asOf), asOf),
                    () ->
                        warehouse.replaceDate(
                            Tables.KMEANS_SELECTION, KMeansSegments.selectionTable(spark, kmeans, asOf), asOf),
                    () -> warehouse.replaceDate(Tables.PARETO_CURVE, pareto.table(), asOf))));
    timer.log("write", "tables in " + warehouse.location());

    RunRecord record =
        new RunRecord(
            runId,
            asOf,
            "succeeded",
            started,
            Instant.now(),
            cfg.input().path(),
            raw.batchId(),
            counts.input(),
            counts.clean(),
            counts.duplicates(),
            counts.quarantined(),
            scoredCustomers,
            returnsOnly,
            linesAfterAsOf,
            kmeans.status(),
            kmeans.fitted() ? kmeans.k() : null,
            timer.ordered(),
            configHash,
            null);
    timer.time("publish", () -> RunLog.append(spark, warehouse, record));
    timer.log("publish", "run recorded in " + Tables.RUNS);
    return new Outcome(record, comparison, pareto.top20Share(), kmeans, warehouse.location());
  }

  /**
   * Writes independent tables concurrently: each Delta commit is mostly driver-side log work, so
   * overlapping them shortens a run without competing much for executors. The first failure wins.
   */
  private static void writeAll(List<Runnable> writes) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WRITERS);
    try {
      List<java.util.concurrent.Future<?>> pending = new java.util.ArrayList<>();
      for (Runnable write : writes) {
        pending.add(pool.submit(write));
      }
      for (java.util.concurrent.Future<?> write : pending) {
        try {
          write.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing tables", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static final int WRITERS = 3;

  /** The latest earlier date's cluster profiles, so that clusters keep their ids from run to run. */
  private static List<KMeansSegments.ClusterProfile> previousProfiles(Warehouse warehouse, LocalDate asOf) {
    if (!warehouse.exists(Tables.CLUSTER_PROFILES)) {
      return List.of();
    }
    Dataset<Row> earlier =
        warehouse.read(Tables.CLUSTER_PROFILES).where(col(AS_OF).lt(lit(java.sql.Date.valueOf(asOf))));
    Row latest = earlier.agg(max(col(AS_OF))).first();
    if (latest.isNullAt(0)) {
      return List.of();
    }
    return KMeansSegments.profilesFrom(
        earlier.where(col(AS_OF).equalTo(lit(latest.getDate(0)))).collectAsList());
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void recordFailure(
      SparkSession spark,
      Warehouse warehouse,
      String runId,
      Instant started,
      SegmentsConfig cfg,
      String configHash,
      StageTimer timer,
      Progress progress,
      RuntimeException error) {
    Reconciliation counts = progress.counts;
    RunRecord failed =
        new RunRecord(
            runId,
            progress.asOf,
            "failed",
            started,
            Instant.now(),
            cfg.input().path(),
            progress.batchId,
            counts.input(),
            counts.clean(),
            counts.duplicates(),
            counts.quarantined(),
            0,
            0,
            0,
            null,
            null,
            timer.ordered(),
            configHash,
            String.valueOf(error.getMessage()));
    try {
      RunLog.append(spark, warehouse, failed);
    } catch (RuntimeException recordError) {
      // The original failure is what the caller must see; a warehouse that cannot take the record
      // (unwritable folder, say) is reported beside it.
      error.addSuppressed(recordError);
    }
  }
}
