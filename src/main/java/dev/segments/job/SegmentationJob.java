package dev.segments.job;

import static dev.segments.Columns.AS_OF;
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
import dev.segments.features.CustomerFeatures;
import dev.segments.features.RfmScores;
import dev.segments.io.RunLog;
import dev.segments.io.RunRecord;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.segment.KMeansSegments;
import dev.segments.segment.RfmSegments;
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
      RunRecord run, Map<String, Long> segmentSizes, KMeansSegments.Result kmeans, String warehouse) {}

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
    List<RfmScores.Breakpoints> breakpoints =
        timer.time("scores", () -> RfmScores.breakpoints(scoredBase, cfg.features().quantileAccuracy()));
    Dataset<Row> scored = RfmScores.apply(scoredBase, breakpoints);
    Dataset<Row> segmented = RfmSegments.assign(scored, cfg.segments().rfmMap());

    KMeansSegments.Result kmeans =
        scoredCustomers == 0
            ? new KMeansSegments.Result("skipped: no scored customers", 0, null, List.of())
            : timer.time("kmeans", () -> KMeansSegments.fit(scoredBase, scoredCustomers, cfg.kmeans()));
    timer.log("kmeans", kmeans.status() + (kmeans.fitted() ? ", k=" + kmeans.k() : ""));
    Dataset<Row> withClusters =
        kmeans.fitted()
            ? segmented.join(kmeans.assignments(), CUSTOMER_ID, "left")
            : segmented
                .withColumn(CLUSTER_ID, lit(null).cast("int"))
                .withColumn(CLUSTER_NAME, lit(null).cast("string"));
    // Customer grain, read by two writes and the summary: computed once.
    Dataset<Row> segments =
        withClusters
            .select(
                col(AS_OF),
                col(CUSTOMER_ID),
                col(R_SCORE),
                col(F_SCORE),
                col(M_SCORE),
                col(RFM_SEGMENT),
                col(CLUSTER_ID),
                col(CLUSTER_NAME))
            .persist(StorageLevel.MEMORY_AND_DISK());

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
                    () ->
                        warehouse.replaceDate(Tables.CUSTOMER_SEGMENTS, segments, asOf))));
    timer.log("write", "tables in " + warehouse.location());

    Map<String, Long> sizes = new LinkedHashMap<>();
    timer.time(
        "summary",
        () -> {
          for (Row row :
              segments
                  .groupBy(RFM_SEGMENT)
                  .count()
                  .orderBy(col("count").desc(), col(RFM_SEGMENT))
                  .collectAsList()) {
            sizes.put(row.getString(0), row.getLong(1));
          }
        });
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
    return new Outcome(record, sizes, kmeans, warehouse.location());
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
