package dev.segments.job;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CHURN_RISK;
import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.CLUSTER_NAME;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.FAMILY;
import static dev.segments.Columns.RUN_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import dev.segments.SegmentsException;
import dev.segments.clean.Cleaner;
import dev.segments.clean.RawInput;
import dev.segments.clean.TransactionReader;
import dev.segments.config.ConfigLoader;
import dev.segments.config.SegmentsConfig;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.segment.KMeansSegments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the last N days of an input as nightly deliveries: the input is split by calendar day into
 * one CSV file per day (everything before the first replayed day is one history file), an
 * incremental warehouse loads the history and then one day's file per run, and a full recompute of
 * the last day in a second warehouse checks that the nightly path gives the same tables. Each run
 * is timed, so the nightly cost is measured beside the full one.
 */
public final class Replay {
  private static final Logger LOG = LoggerFactory.getLogger("segments");
  private static final String DELIVERY = "_delivery";
  private static final String HISTORY = "history";

  private Replay() {}

  /** One timed run of the replay. */
  public record Step(String label, LocalDate asOf, long newLines, double seconds) {}

  /** A table's rows of the last date that one warehouse has and the other has not. */
  public record Difference(String table, long onlyIncremental, long onlyFull) {}

  public record Result(
      List<Step> steps,
      Step full,
      List<Difference> differences,
      long clusterMismatches,
      long customers,
      Path incremental,
      Path fullWarehouse) {
    public boolean equal() {
      return clusterMismatches == 0 && differences.stream().allMatch(d -> d.onlyIncremental() == 0 && d.onlyFull() == 0);
    }

    /** Mean seconds of the replayed nightly runs (the history load excluded). */
    public double meanNightlySeconds() {
      return steps.stream().skip(1).mapToDouble(Step::seconds).average().orElse(Double.NaN);
    }
  }

  public static Result run(SparkSession spark, SegmentsConfig cfg, int days, Path work) {
    if (days < 1) {
      throw SegmentsException.usage("Invalid --days: " + days + " (at least 1)");
    }
    spark.conf().set("spark.sql.session.timeZone", cfg.columns().timeZone());
    Path deliveries = work.resolve("deliveries");
    Path drop = work.resolve("drop");
    Path incremental = work.resolve("warehouse-incremental");
    Path full = work.resolve("warehouse-full");
    for (Path p : List.of(deliveries, drop, incremental, full)) {
      if (Files.exists(p)) {
        throw SegmentsException.usage("Replay work folder " + work + " is not empty (" + p.getFileName() + " exists)");
      }
    }
    List<LocalDate> replayed = split(spark, cfg, days, deliveries);
    LocalDate historyAsOf = replayed.get(0).minusDays(1);

    SegmentsConfig nightly =
        new SegmentsConfig(
                new SegmentsConfig.Input(drop.toString(), SegmentsConfig.InputFormat.CSV, SegmentsConfig.InputMode.INCREMENTAL, null),
                cfg.columns(), cfg.clean(), cfg.features(), cfg.segments(), cfg.kmeans(), cfg.output(), cfg.guard(), cfg.clv(), null)
            .withWarehouse(incremental.toString());
    List<Step> steps = new ArrayList<>();
    move(deliveries.resolve(HISTORY + ".csv"), drop);
    steps.add(timed(spark, nightly.withAsOf(historyAsOf), "history"));
    for (LocalDate day : replayed) {
      move(deliveries.resolve(day + ".csv"), drop);
      steps.add(timed(spark, nightly.withAsOf(day), "nightly"));
    }
    LocalDate last = replayed.get(replayed.size() - 1);
    SegmentsConfig recompute =
        new SegmentsConfig(
                new SegmentsConfig.Input(drop.toString(), SegmentsConfig.InputFormat.CSV, SegmentsConfig.InputMode.FULL, null),
                cfg.columns(), cfg.clean(), cfg.features(), cfg.segments(), cfg.kmeans(), cfg.output(), cfg.guard(), cfg.clv(), null)
            .withWarehouse(full.toString())
            .withAsOf(last);
    Step fullStep = timed(spark, recompute, "full");

    Warehouse a = new Warehouse(spark, incremental.toString());
    Warehouse b = new Warehouse(spark, full.toString());
    List<Difference> differences = new ArrayList<>();
    for (String table :
        List.of(Tables.CUSTOMER_FEATURES, Tables.SCORE_THRESHOLDS, Tables.PARETO_CURVE, Tables.CUSTOMER_SEGMENTS,
            Tables.SEGMENT_SUMMARY)) {
      differences.add(difference(table, lastDate(a, table, last), lastDate(b, table, last)));
    }
    differences.add(clvCheck(a, b, last, cfg.clv()));
    long[] clusters = clusterCheck(a, b, last);
    Result result = new Result(steps, fullStep, differences, clusters[0], clusters[1], incremental, full);
    LOG.info(
        "replay: {} nightly runs, mean {} s; full recompute {} s; tables {}",
        replayed.size(), String.format("%.1f", result.meanNightlySeconds()), String.format("%.1f", fullStep.seconds()),
        result.equal() ? "equal" : "DIFFERENT");
    return result;
  }

  /** Writes history.csv and one YYYY-MM-DD.csv per replayed day; returns the replayed days in order. */
  private static List<LocalDate> split(SparkSession spark, SegmentsConfig cfg, int days, Path deliveries) {
    RawInput raw = TransactionReader.read(spark, cfg.input(), cfg.columns());
    Column day = to_date(Cleaner.eventTimestamp(cfg.columns()));
    Dataset<Row> dated = raw.rows().withColumn("_day", day);
    // The distinct calendar days are a few hundred values, not per-row data.
    List<LocalDate> all = new ArrayList<>();
    for (Row r : dated.where(col("_day").isNotNull()).select(col("_day")).distinct().orderBy(col("_day").desc()).limit(days + 1).collectAsList()) {
      all.add(r.getDate(0).toLocalDate());
    }
    if (all.size() < days + 1) {
      throw SegmentsException.data("The input has " + all.size() + " days with data; replaying " + days + " needs " + (days + 1));
    }
    List<LocalDate> replayed = new ArrayList<>(all.subList(0, days));
    java.util.Collections.reverse(replayed);
    Column first = lit(java.sql.Date.valueOf(replayed.get(0)));
    // Unparseable timestamps go with the history, where the first run quarantines them.
    Column delivery =
        when(col("_day").isNotNull().and(col("_day").geq(first)), date_format(col("_day"), "yyyy-MM-dd")).otherwise(lit(HISTORY));
    List<Column> columns = new ArrayList<>();
    for (String name : raw.columns()) {
      columns.add(col("`" + name.replace("`", "``") + "`"));
    }
    columns.add(delivery.as(DELIVERY));
    Path staging = deliveries.resolve("_staging");
    dated
        .select(columns.toArray(Column[]::new))
        .repartition(col(DELIVERY))
        .write()
        .partitionBy(DELIVERY)
        .option("header", "true")
        .option("quote", "\"")
        .option("escape", "\"")
        .csv(staging.toString());
    try (Stream<Path> parts = Files.list(staging)) {
      for (Path folder : parts.filter(Files::isDirectory).toList()) {
        String name = folder.getFileName().toString().substring(DELIVERY.length() + 1);
        List<Path> files;
        try (Stream<Path> inside = Files.list(folder)) {
          files = inside.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        // Hash partitioning puts each delivery in one task, so one file; more would be concatenated.
        if (files.size() != 1) {
          throw new IllegalStateException("delivery " + name + " was written as " + files.size() + " files");
        }
        Files.move(files.get(0), deliveries.resolve(name + ".csv"));
      }
      deleteTree(staging);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return replayed;
  }

  private static Step timed(SparkSession spark, SegmentsConfig cfg, String label) {
    long start = System.nanoTime();
    SegmentationJob.Outcome outcome = SegmentationJob.run(spark, cfg, ConfigLoader.hash(cfg));
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("replay: {} run as of {} took {} s", label, cfg.run().asOf(), String.format("%.1f", seconds));
    return new Step(label, cfg.run().asOf(), outcome.run().cleanRows(), seconds);
  }

  private static Dataset<Row> lastDate(Warehouse w, String table, LocalDate asOf) {
    Dataset<Row> rows = w.read(table).where(col(AS_OF).equalTo(lit(java.sql.Date.valueOf(asOf)))).drop(RUN_ID);
    return switch (table) {
      // The full recompute fits its own clusters; they are compared through the stored model below.
      // Likewise its own CLV model, so churn risk is compared through the night's model too.
      case Tables.CUSTOMER_SEGMENTS -> rows.drop(CLUSTER_ID, CLUSTER_NAME, CHURN_RISK);
      case Tables.SEGMENT_SUMMARY -> rows.where(col(FAMILY).notEqual(lit(CLUSTER_NAME)));
      default -> rows;
    };
  }

  /**
   * Rows of one side missing from the other. Doubles (shares, means) are compared to 6 decimals: an
   * average summed in another order differs in the last bits; money and counts are exact types.
   */
  private static Difference difference(String table, Dataset<Row> a, Dataset<Row> b) {
    Dataset<Row> x = roundDoubles(a);
    Dataset<Row> y = roundDoubles(b);
    return new Difference(table, x.exceptAll(y).count(), y.exceptAll(x).count());
  }

  private static Dataset<Row> roundDoubles(Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      columns.add(
          f.dataType() instanceof org.apache.spark.sql.types.DoubleType
              ? org.apache.spark.sql.functions.round(c, 6).as(f.name())
              : c);
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * The last night predicted CLV with the model it used (fitted that night, or stored and reused);
   * that model applied to the full recompute's customer histories (x, t_x, T, mean repeat value) must
   * give every customer the same row of customer_clv.
   */
  private static Difference clvCheck(Warehouse a, Warehouse b, LocalDate last, dev.segments.clv.ClvSettings settings) {
    List<Row> models = lastDate(a, Tables.CLV_MODELS, last).collectAsList();
    Dataset<Row> night = lastDate(a, Tables.CUSTOMER_CLV, last);
    Dataset<Row> histories = lastDate(b, Tables.CUSTOMER_CLV, last);
    Dataset<Row> predicted =
        models.size() == 1
            ? dev.segments.clv.CustomerClv.predict(settings, histories, dev.segments.clv.ClvModel.fromRow(models.get(0)))
            : histories.limit(0);
    return difference(
        Tables.CUSTOMER_CLV,
        night,
        predicted.select(java.util.Arrays.stream(night.columns()).map(c -> col(c)).toArray(Column[]::new)));
  }

  /**
   * The incremental warehouse assigned the last day with its stored model; that model applied to
   * the full recompute's features must give every customer the same cluster.
   */
  private static long[] clusterCheck(Warehouse a, Warehouse b, LocalDate last) {
    Dataset<Row> modelRows = lastDate(a, Tables.KMEANS_MODELS, last);
    KMeansSegments.ClusterModel model = KMeansSegments.modelFrom(modelRows.collectAsList());
    Dataset<Row> incremental = lastDate(a, Tables.CUSTOMER_SEGMENTS, last);
    long customers = incremental.count();
    if (model == null) {
      return new long[] {0, customers};
    }
    Dataset<Row> features = b.read(Tables.CUSTOMER_FEATURES).where(col(AS_OF).equalTo(lit(java.sql.Date.valueOf(last)))).drop(RUN_ID);
    Dataset<Row> scored = dev.segments.features.CustomerFeatures.scored(features);
    Dataset<Row> assigned = KMeansSegments.assign(scored, scored.count(), model).assignments();
    Dataset<Row> stored =
        a.read(Tables.CUSTOMER_SEGMENTS)
            .where(col(AS_OF).equalTo(lit(java.sql.Date.valueOf(last))).and(col(CLUSTER_ID).isNotNull()))
            .select(col(CUSTOMER_ID), col(CLUSTER_ID).as("stored"));
    long mismatches =
        stored
            .join(assigned, scala.jdk.javaapi.CollectionConverters.asScala(List.of(CUSTOMER_ID)).toSeq(), "full_outer")
            .where(col("stored").isNull().or(col(CLUSTER_ID).isNull()).or(col("stored").notEqual(col(CLUSTER_ID))))
            .count();
    return new long[] {mismatches, customers};
  }

  private static void move(Path file, Path folder) {
    try {
      Files.createDirectories(folder);
      if (Files.exists(file)) {
        Files.move(file, folder.resolve(file.getFileName()));
      } else {
        // A day without lines in the split still gets its (empty) nightly run.
        Files.writeString(folder.resolve(file.getFileName()), "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
