package dev.segments.report;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.F_SCORE;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.REASON;
import static dev.segments.Columns.RUN_ID;
import static dev.segments.Columns.R_SCORE;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.segments.SegmentsException;
import dev.segments.io.RunLog;
import dev.segments.io.RunRecord;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the report shows of one published run: its tables' rows, or the same rows as the run held them
 * before writing them. Every list is an aggregate of a few dozen rows at most (segments, score cells,
 * percentiles, clusters): nothing per customer reaches the driver.
 */
public record ReportData(
    RunRecord run,
    List<Row> summary,
    List<Row> rfGrid,
    List<Row> pareto,
    List<Row> profiles,
    List<Row> selection,
    List<Row> comparison,
    List<Row> transitions,
    List<Row> quarantineReasons) {

  /** The published run of a date, or of the latest published date when none is given. */
  public static RunRecord publishedRun(Warehouse warehouse, LocalDate asOf) {
    Map<LocalDate, RunRecord> published = RunLog.published(RunLog.history(warehouse.spark(), warehouse));
    if (published.isEmpty()) {
      throw SegmentsException.noInput("No published run in " + warehouse.location());
    }
    if (asOf == null) {
      return published.values().stream().max(Comparator.comparing(RunRecord::asOf)).orElseThrow();
    }
    RunRecord run = published.get(asOf);
    if (run == null) {
      throw SegmentsException.noInput(
          "No published run as of " + asOf + " in " + warehouse.location() + " (published: "
              + published.keySet().stream().sorted().map(LocalDate::toString).toList() + ")");
    }
    return run;
  }

  /** The report's rows of a published run, read from its tables. */
  public static ReportData load(Warehouse warehouse, RunRecord run) {
    return load(run, tables(warehouse, run));
  }

  /**
   * One run's rows of each table as the warehouse publishes them; null for a table the warehouse
   * does not have.
   */
  public static Function<String, Dataset<Row>> tables(Warehouse warehouse, RunRecord run) {
    return table -> warehouse.exists(table) ? slice(warehouse, run, table) : null;
  }

  /**
   * The report's rows of a run, from {@code runRows}: a table's rows of that run, or null where there
   * is no such table. The job passes the datasets it has just written, so its report needs no read of
   * the tables; {@code segments report} passes {@link #tables}. Both give the same page.
   */
  public static ReportData load(RunRecord run, Function<String, Dataset<Row>> runRows) {
    // Eight small queries, each mostly driver-side work (Delta log reads, when read from the tables):
    // overlapped, they take about half the time they take one after another.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var summary = read(pool, () -> rows(runRows, Tables.SEGMENT_SUMMARY, "family", "label"));
      var grid = read(pool, () -> rfGrid(runRows));
      var pareto = read(pool, () -> rows(runRows, Tables.PARETO_CURVE, "top_percent"));
      var profiles = read(pool, () -> rows(runRows, Tables.CLUSTER_PROFILES, "cluster_id"));
      var selection = read(pool, () -> rows(runRows, Tables.KMEANS_SELECTION, "k"));
      var comparison =
          read(pool, () -> rows(runRows, Tables.SEGMENT_COMPARISON, "family", "label", "cluster_id"));
      var transitions =
          read(pool, () -> rows(runRows, Tables.SEGMENT_TRANSITIONS, "family", "from_label", "to_label"));
      var quarantine = read(pool, () -> quarantineReasons(runRows));
      return new ReportData(
          run,
          summary.join(),
          grid.join(),
          pareto.join(),
          profiles.join(),
          selection.join(),
          comparison.join(),
          transitions.join(),
          quarantine.join());
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  private static java.util.concurrent.CompletableFuture<List<Row>> read(
      java.util.concurrent.ExecutorService pool, java.util.function.Supplier<List<Row>> query) {
    return java.util.concurrent.CompletableFuture.supplyAsync(query, pool);
  }

  private static Dataset<Row> slice(Warehouse warehouse, RunRecord run, String table) {
    return warehouse
        .read(table)
        .where(col(AS_OF).equalTo(lit(java.sql.Date.valueOf(run.asOf()))).and(col(RUN_ID).equalTo(lit(run.runId()))));
  }

  private static List<Row> rows(Function<String, Dataset<Row>> runRows, String table, String... order) {
    Dataset<Row> rows = runRows.apply(table);
    if (rows == null) {
      return List.of();
    }
    return rows.orderBy(java.util.Arrays.stream(order).map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList();
  }

  /** Customers and mean monetary in each of the 25 recency × frequency score cells. */
  private static List<Row> rfGrid(Function<String, Dataset<Row>> runRows) {
    Dataset<Row> features = runRows.apply(Tables.CUSTOMER_FEATURES);
    if (features == null) {
      return List.of();
    }
    return features
        .where(col(R_SCORE).isNotNull().and(col(F_SCORE).isNotNull()))
        .groupBy(col(R_SCORE), col(F_SCORE))
        .agg(count(lit(1)).as(CUSTOMERS), avg(col(MONETARY).cast("double")).as("mean_monetary"))
        .orderBy(col(R_SCORE), col(F_SCORE))
        .collectAsList();
  }

  private static List<Row> quarantineReasons(Function<String, Dataset<Row>> runRows) {
    Dataset<Row> quarantined = runRows.apply(Tables.QUARANTINE);
    if (quarantined == null) {
      return List.of();
    }
    return quarantined
        .groupBy(col(REASON))
        .agg(count(lit(1)).as("rows"))
        .orderBy(col("rows").desc(), col(REASON))
        .collectAsList();
  }
}
