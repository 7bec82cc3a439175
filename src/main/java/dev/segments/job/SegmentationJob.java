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
import static dev.segments.Columns.CHURN_RISK;
import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.CLUSTER_NAME;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.LINE_HASH;
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
import dev.segments.clean.Money;
import dev.segments.clean.RawInput;
import dev.segments.clean.Reconciliation;
import dev.segments.clean.TransactionReader;
import dev.segments.clv.ClvInputs;
import dev.segments.config.SegmentsConfig;
import dev.segments.compare.Comparison;
import dev.segments.compare.Pareto;
import dev.segments.features.CustomerFeatures;
import dev.segments.features.Quantiles;
import dev.segments.features.RfmScores;
import dev.segments.io.Invariants;
import dev.segments.io.RunLog;
import dev.segments.io.RunRecord;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.segment.KMeansSegments;
import dev.segments.segment.RuleFamilies;
import dev.segments.compare.Transitions;
import dev.segments.io.WarehouseLock;
import dev.segments.report.Report;
import dev.segments.report.ReportData;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.collection.immutable.Seq;
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
 * {@code runs} that publishes the date. The only place besides {@code io/} that reads or writes;
 * stages stay pure.
 *
 * <p>Publication: per-date tables get the run's rows under its run id; the runs row of a succeeded
 * run is one Delta commit and is what makes them count. A run killed before that row leaves rows
 * nobody counts, and the next run deletes them; cumulative tables (transactions, state) are rolled
 * back to the versions the last publishing run recorded. So a killed run never changes what is
 * published, and the run after it repairs the warehouse.
 */
public final class SegmentationJob {
  /**
   * The validated lines, read by the count, both writes and three aggregations, are cached as
   * serialized blocks (LZ4, spark.rdd.compress) of plain columns (SparkSessions turns off the
   * columnar cache's own encodings). Building Spark's dictionary and run-length encodings boxed and
   * hashed every value: about 4 s of CPU per column at 10M lines. Serialized this way, a whole 10M
   * run took about 10% less CPU (346 to 313 s of task time, the same tables; docs/benchmark.md).
   */
  private static final StorageLevel LINES_CACHE = StorageLevel.MEMORY_AND_DISK_SER();

  private SegmentationJob() {}

  private static final Logger LOG = LoggerFactory.getLogger("segments");

  /** What a run was asked to do beyond its config. */
  public record Options(boolean force, boolean refit) {
    public static final Options DEFAULT = new Options(false, false);
  }

  /** What a finished run reports; a skipped run has only its record. */
  public record Outcome(
      RunRecord run,
      Comparison.Result comparison,
      Double top20RevenueShare,
      KMeansSegments.Result kmeans,
      String warehouse,
      String report) {
    public boolean skipped() {
      return "skipped".equals(run.status());
    }
  }

  /** The columns of customer_segments: keys, the scores behind the labels, a label per family, the cluster. */
  static final List<String> SEGMENT_COLUMNS =
      List.of(
          AS_OF, CUSTOMER_ID, R_SCORE, F_SCORE, M_SCORE, AOV_SCORE, COST_SCORE, TENURE_SCORE,
          RELATIONSHIP_SCORE, PROFITABLE, LOYAL, RFM_SEGMENT, CUSTOMER_CLASS, QUADRANT, LOYALTY_CLASS,
          VALUE_TIER, LIFECYCLE_STAGE, PURCHASE_PATTERN, VALUE_TREND, CHURN_RISK, CLUSTER_ID, CLUSTER_NAME);

  public static Outcome run(SparkSession spark, SegmentsConfig cfg, String configHash) {
    return run(spark, cfg, configHash, Options.DEFAULT);
  }

  public static Outcome run(SparkSession spark, SegmentsConfig cfg, String configHash, Options options) {
    Instant started = Instant.now();
    String runId = newRunId(started);
    if (!cfg.clean().excludedProducts().isEmpty() && cfg.columns().productId() == null) {
      throw SegmentsException.usage(
          "Invalid clean.excluded-products: needs columns.product-id to be mapped");
    }
    // Calendar days are taken in the configured zone, whatever the JVM's zone is.
    spark.conf().set("spark.sql.session.timeZone", cfg.columns().timeZone());
    Warehouse warehouse = new Warehouse(spark, cfg.output().warehouse());
    try (WarehouseLock lock = WarehouseLock.acquire(warehouse.location(), "run " + runId)) {
      CrashPoints.arm(spark);
      StageTimer timer = new StageTimer(spark);
      Progress progress = new Progress();
      // Read before anything is recorded: a warehouse of a newer release is refused untouched.
      List<RunRecord> history = RunLog.history(spark, warehouse);
      try (TableWriter writer = new TableWriter(spark)) {
        return execute(spark, cfg, configHash, options, runId, started, warehouse, timer, progress, history, writer);
      } catch (RuntimeException e) {
        recordFailure(spark, warehouse, runId, started, cfg, configHash, timer, progress, e);
        throw e;
      } finally {
        spark.catalog().clearCache();
      }
    }
  }

  static String newRunId(Instant started) {
    return "run-"
        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started)
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What is known so far, so that a failed run is recorded with it. */
  private static final class Progress {
    LocalDate asOf;
    String batchId;
    Reconciliation counts = new Reconciliation(0, 0, 0, 0);
  }

  /** The lines this run adds, with what the input held. */
  private record Ingest(
      Dataset<Row> validated,
      Dataset<Row> lines,
      Dataset<Row> history,
      Reconciliation counts,
      List<TransactionReader.Batch> added,
      long batchesSkipped,
      List<String> columns) {}

  private static Outcome execute(
      SparkSession spark,
      SegmentsConfig cfg,
      String configHash,
      Options options,
      String runId,
      Instant started,
      Warehouse warehouse,
      StageTimer timer,
      Progress progress,
      List<RunRecord> history,
      TableWriter writer) {
    boolean incremental = cfg.input().mode() == SegmentsConfig.InputMode.INCREMENTAL;
    Map<LocalDate, RunRecord> published = RunLog.published(history);
    Optional<RunRecord> lastTransactions = RunLog.lastWriterOf(history, Tables.TRANSACTIONS);
    if (lastTransactions.isPresent()
        && !cfg.input().mode().label().equals(lastTransactions.get().mode())) {
      throw SegmentsException.usage(
          "The warehouse " + warehouse.location() + " was built in input.mode "
              + lastTransactions.get().mode() + "; this config says " + cfg.input().mode().label()
              + " (use another output.warehouse to switch modes)");
    }
    timer.time("repair", () -> repair(warehouse, history, published));
    for (String change : timer.time("repair", () -> dev.segments.io.Migrations.apply(warehouse))) {
      LOG.info("migrated the warehouse to output schema {}: added {}", RunLog.OUTPUT_SCHEMA, change);
    }

    Map<String, String> knownFiles = incremental ? knownBatches(warehouse, history) : Map.of();
    TransactionReader.Listing listing =
        timer.time("read", () -> TransactionReader.list(spark, cfg.input(), knownFiles));
    progress.batchId = listing.fingerprint();
    LocalDate givenAsOf = cfg.run().asOf();
    if (!options.force() && !incremental && givenAsOf != null) {
      Optional<Outcome> skip = skipIfPublished(spark, warehouse, published, givenAsOf, listing.fingerprint(), configHash, runId, started, cfg, timer);
      if (skip.isPresent()) {
        return skip.get();
      }
    }

    Ingest ingest =
        incremental
            ? ingestIncremental(spark, cfg, warehouse, history, listing, knownFiles, timer)
            : ingestFull(spark, cfg, listing, timer);
    Reconciliation counts = ingest.counts();
    progress.counts = counts;
    timer.log(
        "clean",
        String.format(
            "%,d input = %,d clean + %,d duplicates + %,d quarantined%s",
            counts.input(), counts.clean(), counts.duplicates(), counts.quarantined(),
            incremental
                ? String.format(" (%d new batch%s, %d already loaded)", ingest.added().size(),
                    ingest.added().size() == 1 ? "" : "es", ingest.batchesSkipped())
                : ""));
    if (!incremental && counts.input() == 0) {
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

    Dataset<Row> lines = ingest.lines();
    Dataset<Row> everything = ingest.history() == null ? lines : ingest.history().unionByName(lines);
    Optional<RunRecord> stateRun = RunLog.lastWriterOf(history, Tables.STATE_CUSTOMERS);
    LocalDate knownMax = stateRun.map(RunRecord::maxEventDate).orElse(null);
    Row dates =
        timer.time(
            "as-of",
            () ->
                lines
                    .agg(
                        max(col(EVENT_DATE)),
                        count(
                            when(
                                givenAsOf == null
                                    ? lit(false)
                                    : col(EVENT_DATE).gt(lit(java.sql.Date.valueOf(givenAsOf))),
                                lit(1))))
                    .first());
    LocalDate newMax = dates.isNullAt(0) ? null : dates.getDate(0).toLocalDate();
    LocalDate maxEventDate = later(knownMax, newMax);
    if (maxEventDate == null) {
      throw SegmentsException.data("No clean rows to score: every input row was quarantined");
    }
    LocalDate asOf = givenAsOf != null ? givenAsOf : maxEventDate;
    long linesAfterAsOf = dates.getLong(1);
    progress.asOf = asOf;
    if (!options.force() && (incremental ? ingest.added().isEmpty() : givenAsOf == null)) {
      Optional<Outcome> skip =
          skipIfPublished(
              spark, warehouse, published, asOf, incremental ? null : listing.fingerprint(), configHash, runId,
              started, cfg, timer);
      if (skip.isPresent()) {
        return skip.get();
      }
    }

    // Per-customer state: recomputed from all lines, or the stored state with the new lines folded in.
    LocalDate stateThrough = stateRun.map(RunRecord::stateThrough).orElse(null);
    // A warehouse written before the CLV state existed has none to fold: its next run rebuilds.
    boolean folds =
        incremental
            && stateThrough != null
            && !asOf.isBefore(stateThrough)
            && stateRun.get().tableVersions().containsKey(Tables.STATE_CLV);
    boolean savesState = incremental && (stateThrough == null || folds);
    Dataset<Row> state;
    Dataset<Row> days;
    Dataset<Row> clvState;
    if (folds) {
      Map<String, Long> at = stateRun.get().tableVersions();
      State folded =
          timer.time(
              "fold",
              () ->
                  fold(
                      new State(
                          warehouse.readVersion(Tables.STATE_CUSTOMERS, at.get(Tables.STATE_CUSTOMERS)),
                          warehouse.readVersion(Tables.STATE_DAYS, at.get(Tables.STATE_DAYS)),
                          warehouse.readVersion(Tables.STATE_CLV, at.get(Tables.STATE_CLV))),
                      lines,
                      ingest.history(),
                      loadedThrough(history),
                      stateThrough,
                      asOf,
                      cfg.features()));
      state = folded.customers();
      days = folded.days();
      clvState = folded.clv();
    } else {
      Dataset<Row> upTo = everything.where(col(EVENT_DATE).leq(lit(java.sql.Date.valueOf(asOf))));
      state = CustomerFeatures.state(upTo);
      days = CustomerFeatures.days(upTo, asOf, cfg.features());
      clvState = ClvInputs.state(upTo);
    }
    Dataset<Row> purchaseDays = clvState.persist(StorageLevel.MEMORY_AND_DISK());
    state = state.persist(StorageLevel.MEMORY_AND_DISK());
    days = days.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> features =
        CustomerFeatures.fromState(state, days, asOf, cfg.features()).persist(StorageLevel.MEMORY_AND_DISK());
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
        String.format(
            "%,d customers scored, %,d with returns only, as of %s%s", scoredCustomers, returnsOnly, asOf,
            incremental ? (folds ? " (state folded from " + stateThrough + ")" : " (state rebuilt)") : ""));
    if (scoredCustomers == 0 && published.isEmpty() && counts.clean() == 0) {
      throw SegmentsException.data("No clean rows to score: every input row was quarantined");
    }
    String warnings =
        joinWarnings(newColumns(published, ingest.columns()), guard(cfg.guard(), published, asOf, counts, scoredCustomers));
    // Every check that fails a run before any write has passed: the lines' table is written now,
    // beside the stages below.
    if (!incremental) {
      writer.start(new TableWriter.Write(Tables.TRANSACTIONS, () -> warehouse.overwrite(Tables.TRANSACTIONS, Money.withoutMicros(lines))));
    } else if (!ingest.added().isEmpty()) {
      writer.start(new TableWriter.Write(Tables.TRANSACTIONS, () -> warehouse.append(Tables.TRANSACTIONS, Money.withoutMicros(lines))));
    }

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

    KMeansSegments.Result kmeans =
        timer.time(
            "kmeans",
            () -> clusters(warehouse, published, scoredBase, scoredCustomers, cfg.kmeans(), options.refit(), asOf));
    timer.log(
        "kmeans",
        kmeans.status()
            + (kmeans.fitted() ? String.format(", k=%d, silhouette %.3f", kmeans.k(), kmeans.silhouette()) : ""));
    Clv clv = timer.time("clv", () -> clv(cfg, warehouse, published, options.refit(), purchaseDays, asOf));
    timer.log(
        "clv",
        clv.model().status()
            + (clv.model().fittedAsOf() != null && clv.model().fittedAsOf().isBefore(asOf)
                ? ", the model fitted as of " + clv.model().fittedAsOf()
                : ""));
    Dataset<Row> labelled =
        RuleFamilies.assign(scored, rules, cuts)
            .join(clv.customers().select(col(CUSTOMER_ID), col(CHURN_RISK)), JavaConverters.asScalaBuffer(List.of(CUSTOMER_ID)).toSeq(), "left");
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
    Optional<LocalDate> previousDate =
        published.keySet().stream().filter(d -> d.isBefore(asOf)).max(Comparator.naturalOrder());
    Dataset<Row> transitions =
        previousDate
            .map(
                prev ->
                    Transitions.compute(
                        publishedRows(warehouse, Tables.CUSTOMER_SEGMENTS, published.get(prev)),
                        segments,
                        transitionFamilies(),
                        prev,
                        asOf))
            .orElse(null);

    Column run = lit(runId);
    Column date = lit(java.sql.Date.valueOf(asOf));
    List<String> written = new ArrayList<>();
    List<TableWriter.Write> writes = new ArrayList<>();
    if (ingest.validated() != null) {
      writes.add(
          new TableWriter.Write(
              Tables.QUARANTINE,
              () ->
                  warehouse.appendRun(
                      Tables.QUARANTINE,
                      Cleaner.quarantined(ingest.validated()).withColumn(AS_OF, date).withColumn(RUN_ID, run))));
    }
    writes.add(perDate(warehouse, Tables.CUSTOMER_FEATURES, scored, runId, asOf));
    writes.add(perDate(warehouse, Tables.SCORE_THRESHOLDS, RfmScores.table(spark, asOf, breakpoints), runId, asOf));
    writes.add(perDate(warehouse, Tables.CUSTOMER_SEGMENTS, segments, runId, asOf));
    writes.add(perDate(warehouse, Tables.SEGMENT_SUMMARY, comparison.summary(), runId, asOf));
    writes.add(perDate(warehouse, Tables.SEGMENT_COMPARISON, comparison.comparison(), runId, asOf));
    Dataset<Row> profiles = KMeansSegments.profilesTable(spark, kmeans, asOf);
    Dataset<Row> selection = KMeansSegments.selectionTable(spark, kmeans, asOf);
    writes.add(perDate(warehouse, Tables.CLUSTER_PROFILES, profiles, runId, asOf));
    writes.add(perDate(warehouse, Tables.KMEANS_SELECTION, selection, runId, asOf));
    writes.add(perDate(warehouse, Tables.KMEANS_MODELS, KMeansSegments.modelTable(spark, kmeans, asOf), runId, asOf));
    writes.add(perDate(warehouse, Tables.PARETO_CURVE, pareto.table(), runId, asOf));
    writes.add(perDate(warehouse, Tables.CUSTOMER_CLV, clv.customers(), runId, asOf));
    writes.add(perDate(warehouse, Tables.CLV_MODELS, clv.model().toDataset(spark), runId, asOf));
    // The first date has no transitions, but the table exists from the first run on, so readers
    // (BI tools register tables once) never meet a missing table.
    writes.add(
        perDate(
            warehouse,
            Tables.SEGMENT_TRANSITIONS,
            transitions != null
                ? transitions
                : Transitions.compute(segments.limit(0), segments.limit(0), transitionFamilies(), asOf, asOf),
            runId,
            asOf));
    if (incremental && !ingest.added().isEmpty()) {
      writes.add(
          new TableWriter.Write(
              Tables.BATCHES,
              () -> warehouse.append(Tables.BATCHES, batchRows(spark, ingest.added(), runId, asOf))));
    }
    if (savesState) {
      Dataset<Row> keptState = state;
      Dataset<Row> keptDays = days;
      writes.add(new TableWriter.Write(Tables.STATE_CUSTOMERS, () -> warehouse.overwrite(Tables.STATE_CUSTOMERS, keptState)));
      writes.add(new TableWriter.Write(Tables.STATE_DAYS, () -> warehouse.overwrite(Tables.STATE_DAYS, keptDays)));
      writes.add(new TableWriter.Write(Tables.STATE_CLV, () -> warehouse.overwrite(Tables.STATE_CLV, purchaseDays)));
    }
    timer.time("write", () -> written.addAll(writer.awaitAll(writes)));
    timer.log("write", written.size() + " tables in " + warehouse.location());

    Map<String, Long> versions = new TreeMap<>();
    for (String table : written) {
      versions.put(table, warehouse.version(table));
    }
    // Cumulative tables this run did not change are still trusted at their recorded versions.
    for (String table : Tables.CUMULATIVE) {
      if (!versions.containsKey(table)) {
        RunLog.lastWriterOf(history, table)
            .ifPresent(r -> versions.put(table, r.tableVersions().get(table)));
      }
    }
    CrashPoints.at("before-publish");
    RunRecord record =
        new RunRecord(
            runId,
            asOf,
            "succeeded",
            started,
            Instant.now(),
            cfg.input().mode().label(),
            cfg.input().path(),
            listing.fingerprint(),
            ingest.added().size(),
            ingest.batchesSkipped(),
            counts.input(),
            counts.clean(),
            counts.duplicates(),
            counts.quarantined(),
            scoredCustomers,
            returnsOnly,
            linesAfterAsOf,
            kmeans.status(),
            kmeans.fitted() ? kmeans.k() : null,
            kmeans.fitted() ? kmeans.silhouette() : null,
            timer.ordered(),
            versions,
            savesState ? asOf : stateThrough,
            incremental ? maxEventDate : newMax,
            configHash,
            warnings,
            null,
            ingest.columns());
    timer.time("publish", () -> RunLog.append(spark, warehouse, record));
    CrashPoints.at("after-publish");
    // The date's earlier results are superseded now; deleting them is cleanup, not publication.
    if (published.containsKey(asOf)) {
      Map<LocalDate, RunRecord> nowPublished = new java.util.LinkedHashMap<>(published);
      nowPublished.put(asOf, record);
      timer.time("publish", () -> keepPublished(warehouse, nowPublished.values()));
    }
    Integer keepDays = cfg.output().quarantineRetentionDays();
    if (keepDays != null) {
      // Quarantined rows are raw input lines (personal data, possibly): older dates expire.
      LocalDate cutoff = asOf.minusDays(keepDays);
      long expired =
          timer.time("publish", () -> warehouse.delete(Tables.QUARANTINE, col(AS_OF).lt(lit(java.sql.Date.valueOf(cutoff)))));
      if (expired > 0) {
        LOG.info("quarantine: {} rows dated before {} deleted (output.quarantine-retention-days {})", expired, cutoff, keepDays);
      }
    }
    timer.log("publish", "run " + runId + " published as of " + asOf);
    String report = null;
    if (cfg.output().report()) {
      // The tables are the product and are published by now; a report that cannot be written is
      // said loudly, and `segments report` writes it again, but it does not fail the run.
      try {
        // From the rows just written, as the tables now publish them, without reading them back. Two
        // tables are read back: the quarantine, where a 10M-line run would otherwise scan all its
        // lines again, and the transitions, a join of two dates' customers (a cache of them was not
        // used by Delta's write, so the report computed the join a second time).
        Map<String, Dataset<Row>> inMemory = new java.util.HashMap<>();
        inMemory.put(Tables.CUSTOMER_FEATURES, scored);
        inMemory.put(Tables.SEGMENT_SUMMARY, comparison.summary());
        inMemory.put(Tables.SEGMENT_COMPARISON, comparison.comparison());
        inMemory.put(Tables.PARETO_CURVE, pareto.table());
        inMemory.put(Tables.CLUSTER_PROFILES, profiles);
        inMemory.put(Tables.KMEANS_SELECTION, selection);
        java.util.function.Function<String, Dataset<Row>> tables = ReportData.tables(warehouse, record);
        java.util.function.Function<String, Dataset<Row>> runRows =
            table -> inMemory.containsKey(table) ? inMemory.get(table) : tables.apply(table);
        report = timer.time("report", () -> Report.write(warehouse, ReportData.load(record, runRows)));
        timer.log("report", report);
      } catch (RuntimeException e) {
        LOG.warn("The report could not be written ({}); `segments report --warehouse {}` writes it again",
            dev.segments.Redact.secrets(e.toString()), dev.segments.Redact.secrets(warehouse.location()));
      }
    }
    return new Outcome(record, comparison, pareto.top20Share(), kmeans, warehouse.location(), report);
  }

  /** A killed run's leftovers: unpublished per-date rows, and cumulative tables past their trusted version. */
  private static void repair(Warehouse warehouse, List<RunRecord> history, Map<LocalDate, RunRecord> published) {
    List<String> ids = published.values().stream().map(RunRecord::runId).toList();
    for (String table : Tables.PER_DATE) {
      // A table still at the version the last recorded run left it holds nothing unpublished; only
      // a table changed since (by a killed or failed run, or a superseding run's cleanup) is read.
      long known = RunLog.lastWriterOf(history, table).map(r -> r.tableVersions().get(table)).orElse(-1L);
      if (warehouse.exists(table) && warehouse.version(table) != known) {
        warehouse.keepRuns(table, ids);
      }
    }
    for (String table : Tables.CUMULATIVE) {
      long trusted =
          RunLog.lastWriterOf(history, table).map(r -> r.tableVersions().get(table)).orElse(-1L);
      if (warehouse.exists(table) && warehouse.version(table) > trusted) {
        LOG.warn("{} has changes no run published (a run was killed); rolling back to version {}", table, trusted);
        warehouse.rollBackTo(table, trusted);
      }
    }
  }

  private static void keepPublished(Warehouse warehouse, java.util.Collection<RunRecord> published) {
    List<String> ids = published.stream().map(RunRecord::runId).toList();
    for (String table : Tables.PER_DATE) {
      warehouse.keepRuns(table, ids);
    }
  }

  /**
   * Same input, same config, date already published: nothing to do. The skip is recorded, and no
   * data table gets a new version.
   */
  private static Optional<Outcome> skipIfPublished(
      SparkSession spark,
      Warehouse warehouse,
      Map<LocalDate, RunRecord> published,
      LocalDate asOf,
      String fingerprint,
      String configHash,
      String runId,
      Instant started,
      SegmentsConfig cfg,
      StageTimer timer) {
    RunRecord done = published.get(asOf);
    if (done == null
        || !configHash.equals(done.configHash())
        || (fingerprint != null && !fingerprint.equals(done.batchId()))) {
      return Optional.empty();
    }
    String why =
        "as of " + asOf + " is already published by " + done.runId()
            + " from the same input and config; nothing to do (--force recomputes it)";
    RunRecord skipped =
        new RunRecord(
            runId, asOf, "skipped", started, Instant.now(), cfg.input().mode().label(), cfg.input().path(),
            done.batchId(), 0, 0, 0, 0, 0, 0, done.customersScored(), done.customersReturnsOnly(), 0,
            done.kmeansStatus(), done.k(), done.silhouette(), timer.ordered(), Map.of(), done.stateThrough(),
            done.maxEventDate(), configHash, null, why, null);
    RunLog.append(spark, warehouse, skipped);
    LOG.info("skipped: {}", why);
    return Optional.of(new Outcome(skipped, null, null, null, warehouse.location(), null));
  }

  /** The loaded files by stamp (path, size, modification time), at the trusted version of batches. */
  private static Map<String, String> knownBatches(Warehouse warehouse, List<RunRecord> history) {
    Optional<RunRecord> last = RunLog.lastWriterOf(history, Tables.BATCHES);
    Map<String, String> known = new java.util.HashMap<>();
    if (last.isPresent()) {
      // One row per delivered file: thousands at most, not per-customer data.
      for (Row r :
          warehouse
              .readVersion(Tables.BATCHES, last.get().tableVersions().get(Tables.BATCHES))
              .select(col("path"), col("size"), col("modified"), col(BATCH_ID))
              .collectAsList()) {
        known.put(r.getString(0) + "|" + r.getLong(1) + "|" + r.getLong(2), r.getString(3));
      }
    }
    return known;
  }

  /** Full mode: the input is the whole history. */
  private static Ingest ingestFull(
      SparkSession spark, SegmentsConfig cfg, TransactionReader.Listing listing, StageTimer timer) {
    RawInput raw = timer.time("read", () -> TransactionReader.read(spark, cfg.input(), cfg.columns()));
    Dataset<Row> validated =
        Cleaner.complete(Cleaner.checked(raw, cfg.columns(), cfg.clean()).persist(LINES_CACHE), raw);
    Reconciliation counts = timer.time("clean", () -> Cleaner.reconcile(validated));
    return new Ingest(validated, Cleaner.cleanLines(validated), null, counts, listing.batches(), 0, raw.columns());
  }

  /**
   * Incremental mode: only batches not loaded before are read; a line identical to one already
   * loaded (same raw row, customer and day) is a duplicate, not a new line.
   */
  private static Ingest ingestIncremental(
      SparkSession spark,
      SegmentsConfig cfg,
      Warehouse warehouse,
      List<RunRecord> history,
      TransactionReader.Listing listing,
      Map<String, String> knownFiles,
      StageTimer timer) {
    Set<String> loaded = new HashSet<>(knownFiles.values());
    List<TransactionReader.Batch> added = new ArrayList<>();
    for (TransactionReader.Batch batch : listing.batches()) {
      if (loaded.add(batch.fingerprint())) {
        added.add(batch);
      }
    }
    long skippedBatches = listing.batches().size() - added.size();
    Optional<RunRecord> lastLines = RunLog.lastWriterOf(history, Tables.TRANSACTIONS);
    Dataset<Row> loadedLines =
        lastLines
            .map(r -> warehouse.readVersion(Tables.TRANSACTIONS, r.tableVersions().get(Tables.TRANSACTIONS)))
            // Beside the clean stage's lines, which carry their amounts in millionths too.
            .map(Money::withMicros)
            .orElse(null);
    RawInput raw =
        added.isEmpty()
            ? null
            : timer.time("read", () -> TransactionReader.read(spark, cfg.input(), cfg.columns(), listing, added));
    if (raw == null) {
      if (loadedLines == null) {
        throw SegmentsException.noInput("Input has no rows: " + cfg.input().path());
      }
      return new Ingest(null, loadedLines.limit(0), loadedLines, new Reconciliation(0, 0, 0, 0), added, skippedBatches, null);
    }
    Dataset<Row> validated =
        Cleaner.complete(Cleaner.checked(raw, cfg.columns(), cfg.clean()).persist(LINES_CACHE), raw);
    Reconciliation counts = timer.time("clean", () -> Cleaner.reconcile(validated));
    Dataset<Row> clean = Cleaner.cleanLines(validated);
    if (loadedLines == null) {
      return new Ingest(validated, clean, null, counts, added, skippedBatches, raw.columns());
    }
    // Exact duplicates share their timestamp, so only the days this batch covers need looking at.
    List<Object> batchDays = new ArrayList<>();
    for (Row r : clean.select(col(EVENT_DATE)).distinct().collectAsList()) {
      batchDays.add(r.get(0));
    }
    Dataset<Row> known =
        loadedLines
            .where(col(EVENT_DATE).isin(batchDays.toArray()))
            .select(col(CUSTOMER_ID), col(EVENT_DATE), col(LINE_HASH))
            .distinct();
    Dataset<Row> fresh =
        clean.join(known, JavaConverters.asScalaBuffer(List.of(CUSTOMER_ID, EVENT_DATE, LINE_HASH)).toSeq(), "left_anti")
            .persist(StorageLevel.MEMORY_AND_DISK());
    long freshCount = timer.time("clean", fresh::count);
    long already = counts.clean() - freshCount;
    Reconciliation adjusted =
        new Reconciliation(counts.input(), freshCount, counts.duplicates() + already, counts.quarantined());
    return new Ingest(validated, fresh, loadedLines, adjusted, added, skippedBatches, raw.columns());
  }

  /** Per customer: the features' sums and dates, the day totals of the trend windows, the CLV purchase days. */
  private record State(Dataset<Row> customers, Dataset<Row> days, Dataset<Row> clv) {}

  /**
   * The latest event date of any line the transactions table holds at its trusted version: every
   * such line was loaded by a run that succeeded, and each run records the latest date loaded so far.
   */
  static LocalDate loadedThrough(List<RunRecord> history) {
    return history.stream()
        .filter(r -> "succeeded".equals(r.status()) && r.maxEventDate() != null)
        .map(RunRecord::maxEventDate)
        .max(Comparator.naturalOrder())
        .orElse(null);
  }

  /**
   * The stored state moved from its date W to D: new lines (and lines loaded earlier but dated
   * after W) fold in exactly; customers with a new line dated on or before W (a late delivery) are
   * recomputed from their whole history, since a late line can join an order the state has already
   * counted. A night without late lines, on a table with nothing loaded after W, reads only the
   * state and the night's lines: its cost follows the new rows, not the history.
   */
  private static State fold(
      State old,
      Dataset<Row> fresh,
      Dataset<Row> loaded,
      LocalDate loadedThrough,
      LocalDate stateThrough,
      LocalDate asOf,
      SegmentsConfig.Features cfg) {
    Column w = lit(java.sql.Date.valueOf(stateThrough));
    Column d = lit(java.sql.Date.valueOf(asOf));
    Column after = col(EVENT_DATE).gt(w).and(col(EVENT_DATE).leq(d));
    Dataset<Row> delta = fresh.where(after);
    if (loaded != null && loadedThrough != null && loadedThrough.isAfter(stateThrough)) {
      delta = delta.unionByName(loaded.where(after));
    }
    Dataset<Row> late = fresh.where(col(EVENT_DATE).leq(w)).select(col(CUSTOMER_ID)).distinct();
    // A driver-side decision on the night's (cached) lines: without late lines, history is not read.
    if (late.isEmpty()) {
      return new State(
          CustomerFeatures.merge(old.customers(), CustomerFeatures.state(delta)),
          CustomerFeatures.unionDays(old.days(), CustomerFeatures.days(delta, asOf, cfg), asOf, cfg),
          ClvInputs.mergeLater(old.clv(), ClvInputs.state(delta)));
    }
    Dataset<Row> allLines = loaded == null ? fresh : loaded.unionByName(fresh);
    Seq<String> byCustomer = JavaConverters.asScalaBuffer(List.of(CUSTOMER_ID)).toSeq();
    Dataset<Row> lateLines = allLines.where(col(EVENT_DATE).leq(d)).join(late, byCustomer, "left_semi");
    Dataset<Row> onTime = delta.join(late, byCustomer, "left_anti");
    return new State(
        CustomerFeatures.merge(old.customers().join(late, byCustomer, "left_anti"), CustomerFeatures.state(onTime))
            .unionByName(CustomerFeatures.state(lateLines)),
        CustomerFeatures.unionDays(
                old.days().join(late, byCustomer, "left_anti"), CustomerFeatures.days(onTime, asOf, cfg), asOf, cfg)
            .unionByName(CustomerFeatures.days(lateLines, asOf, cfg)),
        ClvInputs.mergeLater(old.clv().join(late, byCustomer, "left_anti"), ClvInputs.state(onTime))
            .unionByName(ClvInputs.state(lateLines)));
  }

  /**
   * Clusters: the stored model assigns customers while it is younger than kmeans.refit-every-days
   * and still matches the configured features; otherwise, or on --refit, a new model is fitted.
   */
  private static KMeansSegments.Result clusters(
      Warehouse warehouse,
      Map<LocalDate, RunRecord> published,
      Dataset<Row> scoredBase,
      long scoredCustomers,
      SegmentsConfig.KMeans cfg,
      boolean refit,
      LocalDate asOf) {
    if (scoredCustomers == 0) {
      return KMeansSegments.Result.notFitted("skipped: no scored customers", cfg.algorithm());
    }
    if (!cfg.enabled()) {
      return KMeansSegments.Result.notFitted("disabled", cfg.algorithm());
    }
    if (!refit && cfg.refitEveryDays() > 0) {
      KMeansSegments.ClusterModel stored = storedModel(warehouse, published, asOf);
      if (stored != null
          && stored.features().equals(cfg.features())
          && stored.algorithm().equals(cfg.algorithm())
          && stored.centres().size() >= cfg.kMin()
          && stored.centres().size() <= cfg.kMax()
          && !stored.fittedAsOf().isAfter(asOf)
          && java.time.temporal.ChronoUnit.DAYS.between(stored.fittedAsOf(), asOf) < cfg.refitEveryDays()) {
        return KMeansSegments.assign(scoredBase, scoredCustomers, stored);
      }
    }
    return KMeansSegments.fit(scoredBase, scoredCustomers, cfg, previousProfiles(warehouse, published, asOf), asOf);
  }

  /** The model of the latest published date on or before D. */
  private static KMeansSegments.ClusterModel storedModel(
      Warehouse warehouse, Map<LocalDate, RunRecord> published, LocalDate asOf) {
    List<Row> rows = latestRows(warehouse, published, Tables.KMEANS_MODELS, d -> !d.isAfter(asOf));
    return KMeansSegments.modelFrom(rows);
  }

  /** The latest earlier date's cluster profiles, so that clusters keep their ids from run to run. */
  private static List<KMeansSegments.ClusterProfile> previousProfiles(
      Warehouse warehouse, Map<LocalDate, RunRecord> published, LocalDate asOf) {
    List<Row> rows = latestRows(warehouse, published, Tables.CLUSTER_PROFILES, d -> d.isBefore(asOf));
    return KMeansSegments.profilesFrom(rows);
  }

  /**
   * A small per-date table's rows of the latest published date that {@code eligible} accepts; empty
   * when the table or such a date does not exist.
   */
  private static List<Row> latestRows(
      Warehouse warehouse, Map<LocalDate, RunRecord> published, String table, java.util.function.Predicate<LocalDate> eligible) {
    Optional<LocalDate> latest = published.keySet().stream().filter(eligible).max(Comparator.naturalOrder());
    if (latest.isEmpty() || !warehouse.exists(table)) {
      return List.of();
    }
    return publishedRows(warehouse, table, published.get(latest.get())).collectAsList();
  }

  /** One published date's rows of a per-date table. */
  private static Dataset<Row> publishedRows(Warehouse warehouse, String table, RunRecord run) {
    return warehouse
        .read(table)
        .where(col(AS_OF).equalTo(lit(java.sql.Date.valueOf(run.asOf()))).and(col(RUN_ID).equalTo(lit(run.runId()))))
        .drop(RUN_ID);
  }

  /** The CLV stage's per-customer rows (persisted: written and joined) and its model. */
  private record Clv(Dataset<Row> customers, dev.segments.clv.ClvModel model) {}

  /**
   * Lifetime value and churn risk as of D from the customers' purchase days ({@link
   * ClvInputs#state}): computed from the lines, or folded from state_customer_clv on a night.
   */
  private static Clv clv(
      SegmentsConfig cfg,
      Warehouse warehouse,
      Map<LocalDate, RunRecord> published,
      boolean refit,
      Dataset<Row> clvState,
      LocalDate asOf) {
    if (!cfg.clv().enabled()) {
      dev.segments.clv.ClvModel off = dev.segments.clv.ClvModel.skipped(asOf, "disabled", 0, 0);
      Dataset<Row> none =
          dev.segments.clv.CustomerClv.fromState(cfg.clv(), clvState.limit(0), asOf).customers();
      return new Clv(none, off);
    }
    dev.segments.clv.ClvModel stored =
        refit || cfg.clv().refitEveryDays() == 0 ? null : storedClvModel(warehouse, published, asOf);
    dev.segments.clv.CustomerClv.Result result =
        stored != null && stored.reusableOn(asOf, cfg.clv().refitEveryDays())
            ? dev.segments.clv.CustomerClv.fromState(cfg.clv(), clvState, asOf, stored)
            : dev.segments.clv.CustomerClv.fromState(cfg.clv(), clvState, asOf);
    return new Clv(result.customers().persist(StorageLevel.MEMORY_AND_DISK()), result.model());
  }

  /** The CLV model of the latest published date on or before D, or null. */
  private static dev.segments.clv.ClvModel storedClvModel(
      Warehouse warehouse, Map<LocalDate, RunRecord> published, LocalDate asOf) {
    List<Row> rows = latestRows(warehouse, published, Tables.CLV_MODELS, d -> !d.isAfter(asOf));
    return rows.size() == 1 ? dev.segments.clv.ClvModel.fromRow(rows.get(0)) : null;
  }

  static List<String> transitionFamilies() {
    List<String> families = new ArrayList<>(RuleFamilies.FAMILIES);
    families.add(CHURN_RISK);
    families.add(CLUSTER_NAME);
    return families;
  }

  /**
   * Schema drift: input columns the last published run did not have. They are not mapped (a mapped
   * column the earlier input lacked would have failed that run), so they are ignored, and said so.
   */
  static String newColumns(Map<LocalDate, RunRecord> published, List<String> columns) {
    if (columns == null) {
      return null;
    }
    Optional<RunRecord> last =
        published.values().stream().filter(r -> r.inputColumns() != null).max(Comparator.comparing(RunRecord::finishedAt));
    if (last.isEmpty()) {
      return null;
    }
    List<String> added = columns.stream().filter(c -> !last.get().inputColumns().contains(c)).toList();
    if (added.isEmpty()) {
      return null;
    }
    String message =
        "Input columns not in the input of the last published run (" + last.get().asOf() + "), not mapped, ignored: "
            + String.join(", ", added);
    LOG.warn("{}", message);
    return message;
  }

  private static String joinWarnings(String... warnings) {
    String joined =
        java.util.Arrays.stream(warnings).filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("; "));
    return joined.isEmpty() ? null : joined;
  }

  /**
   * The data-quality guard: a big move from the previous published date in the quarantined share or
   * in the number of scored customers warns, or fails the run (exit 65) before anything is written.
   */
  static String guard(
      SegmentsConfig.Guard cfg,
      Map<LocalDate, RunRecord> published,
      LocalDate asOf,
      Reconciliation counts,
      long scoredCustomers) {
    Optional<LocalDate> previous =
        published.keySet().stream().filter(d -> d.isBefore(asOf)).max(Comparator.naturalOrder());
    if (previous.isEmpty()) {
      return null;
    }
    RunRecord before = published.get(previous.get());
    List<String> breaches = new ArrayList<>();
    double share = counts.input() == 0 ? 0.0 : (double) counts.quarantined() / counts.input();
    if (counts.input() > 0 && before.inputRows() > 0
        && Math.abs(share - before.quarantineShare()) > cfg.maxQuarantineShareChange()) {
      breaches.add(
          String.format(
              "quarantined share %.2f%% against %.2f%% on %s (guard.max-quarantine-share-change %.2f%%)",
              100 * share, 100 * before.quarantineShare(), before.asOf(), 100 * cfg.maxQuarantineShareChange()));
    }
    if (before.customersScored() > 0) {
      double change = Math.abs(scoredCustomers - before.customersScored()) / (double) before.customersScored();
      if (change > cfg.maxCustomersChange()) {
        breaches.add(
            String.format(
                "%,d customers scored against %,d on %s (guard.max-customers-change %.0f%%)",
                scoredCustomers, before.customersScored(), before.asOf(), 100 * cfg.maxCustomersChange()));
      }
    }
    if (breaches.isEmpty()) {
      return null;
    }
    String message = "Data-quality guard: " + String.join("; ", breaches);
    if (cfg.fails()) {
      throw SegmentsException.data(message + " (guard.on-breach: fail)");
    }
    LOG.warn("{}", message);
    return message;
  }

  private static Dataset<Row> batchRows(
      SparkSession spark, List<TransactionReader.Batch> added, String runId, LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    for (TransactionReader.Batch b : added) {
      rows.add(RowFactory.create(b.fingerprint(), b.path(), b.size(), b.modified(), runId, java.sql.Date.valueOf(asOf)));
    }
    StructType schema =
        new StructType()
            .add(BATCH_ID, DataTypes.StringType, false)
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modified", DataTypes.LongType, false)
            .add(RUN_ID, DataTypes.StringType, false)
            .add(AS_OF, DataTypes.DateType, false);
    return spark.createDataFrame(rows, schema);
  }

  private static TableWriter.Write perDate(Warehouse warehouse, String table, Dataset<Row> rows, String runId, LocalDate asOf) {
    return new TableWriter.Write(
        table,
        () -> {
          warehouse.appendRun(table, rows.withColumn(RUN_ID, lit(runId)));
          if (Invariants.PER_CUSTOMER.contains(table)) {
            Invariants.onePerCustomer(warehouse, table, java.sql.Date.valueOf(asOf), runId);
          }
        });
  }

  private static LocalDate later(LocalDate a, LocalDate b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
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
            runId, progress.asOf, "failed", started, Instant.now(), cfg.input().mode().label(), cfg.input().path(),
            progress.batchId, 0, 0, counts.input(), counts.clean(), counts.duplicates(), counts.quarantined(), 0, 0,
            0, null, null, null, timer.ordered(), Map.of(), null, null, configHash, null,
            String.valueOf(error.getMessage()), null);
    try {
      RunLog.append(spark, warehouse, failed);
    } catch (RuntimeException recordError) {
      // The original failure is what the caller must see; a warehouse that cannot take the record
      // (unwritable folder, say) is reported beside it.
      error.addSuppressed(recordError);
    }
  }
}
