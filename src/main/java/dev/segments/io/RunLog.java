package dev.segments.io;

import static org.apache.spark.sql.functions.col;

import dev.segments.Redact;
import dev.segments.SegmentsException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The runs table: one appended row per run. It is also the publication record: a date's rows in
 * the per-date tables count once the row of a succeeded run names their run id.
 */
public final class RunLog {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, true)
          .add("status", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("mode", DataTypes.StringType, true)
          .add("input", DataTypes.StringType, true)
          .add("batch_id", DataTypes.StringType, true)
          .add("batches_added", DataTypes.LongType, false)
          .add("batches_skipped", DataTypes.LongType, false)
          .add("input_rows", DataTypes.LongType, false)
          .add("clean_rows", DataTypes.LongType, false)
          .add("duplicate_rows", DataTypes.LongType, false)
          .add("quarantined_rows", DataTypes.LongType, false)
          .add("customers_scored", DataTypes.LongType, false)
          .add("customers_returns_only", DataTypes.LongType, false)
          .add("lines_after_as_of", DataTypes.LongType, false)
          .add("kmeans_status", DataTypes.StringType, true)
          .add("k", DataTypes.IntegerType, true)
          .add("silhouette", DataTypes.DoubleType, true)
          .add("stage_ms", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
          .add("table_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
          .add("state_through", DataTypes.DateType, true)
          .add("max_event_date", DataTypes.DateType, true)
          .add("config_hash", DataTypes.StringType, true)
          .add("warnings", DataTypes.StringType, true)
          .add("message", DataTypes.StringType, true)
          .add("input_columns", DataTypes.createArrayType(DataTypes.StringType, false), true)
          .add("output_schema", DataTypes.IntegerType, true);

  /**
   * The version of the output tables' columns this release writes, recorded on every runs row. A
   * release that changes a table's columns raises it and migrates the tables deliberately at its
   * first run; a release meeting a warehouse written at a higher version refuses to touch it.
   * Runs rows from before the column existed are version 1. Version 2 added clv_models.fitted_as_of
   * ({@link Migrations}).
   */
  public static final int OUTPUT_SCHEMA = 2;

  private RunLog() {}

  /** Appends the row in one Delta commit: for a succeeded run, the moment its date is published. */
  public static void append(SparkSession spark, Warehouse warehouse, RunRecord run) {
    if (!warehouse.exists(Tables.RUNS)) {
      // Created empty with its constraints, like every constrained table (Warehouse.appendRun).
      Invariants.createTable(spark, Tables.RUNS, warehouse.path(Tables.RUNS), SCHEMA, List.of());
    }
    toFrame(spark, run)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("mergeSchema", "true")
        .save(warehouse.path(Tables.RUNS));
  }

  /** Every run so far, oldest first: one small row per run, never per customer. */
  public static List<RunRecord> history(SparkSession spark, Warehouse warehouse) {
    if (!warehouse.exists(Tables.RUNS)) {
      return List.of();
    }
    List<RunRecord> runs = new ArrayList<>();
    for (Row r : warehouse.read(Tables.RUNS).orderBy(col("finished_at"), col("run_id")).collectAsList()) {
      int schema = outputSchema(r);
      if (schema > OUTPUT_SCHEMA) {
        throw SegmentsException.usage(
            "The warehouse " + warehouse.location() + " was written by a newer release of segments (output schema "
                + schema + "; this release reads and writes " + OUTPUT_SCHEMA + "): run that release or a later one,"
                + " or use another output.warehouse");
      }
      runs.add(fromRow(r));
    }
    return runs;
  }

  /** The run whose rows count for each date: the last succeeded run of that date. */
  public static Map<LocalDate, RunRecord> published(List<RunRecord> history) {
    Map<LocalDate, RunRecord> out = new LinkedHashMap<>();
    for (RunRecord run : history) {
      if (run.succeeded() && run.asOf() != null) {
        out.put(run.asOf(), run);
      }
    }
    return out;
  }

  /** The last run that recorded a version of the table, so later runs can trust that version. */
  public static Optional<RunRecord> lastWriterOf(List<RunRecord> history, String table) {
    return history.stream()
        .filter(r -> r.tableVersions() != null && r.tableVersions().containsKey(table))
        .filter(r -> !"failed".equals(r.status()) && !"skipped".equals(r.status()))
        .max(Comparator.comparing(RunRecord::finishedAt));
  }

  static Dataset<Row> toFrame(SparkSession spark, RunRecord run) {
    Row row =
        RowFactory.create(
            run.runId(),
            run.asOf() == null ? null : Date.valueOf(run.asOf()),
            run.status(),
            Timestamp.from(run.startedAt()),
            Timestamp.from(run.finishedAt()),
            run.mode(),
            Redact.secrets(run.input()),
            run.batchId(),
            run.batchesAdded(),
            run.batchesSkipped(),
            run.inputRows(),
            run.cleanRows(),
            run.duplicateRows(),
            run.quarantinedRows(),
            run.customersScored(),
            run.customersReturnsOnly(),
            run.linesAfterAsOf(),
            run.kmeansStatus(),
            run.k(),
            run.silhouette(),
            run.stageMillis(),
            run.tableVersions(),
            run.stateThrough() == null ? null : Date.valueOf(run.stateThrough()),
            run.maxEventDate() == null ? null : Date.valueOf(run.maxEventDate()),
            run.configHash(),
            Redact.secrets(run.warnings()),
            Redact.secrets(run.message()),
            run.inputColumns() == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(run.inputColumns()).toSeq(),
            OUTPUT_SCHEMA);
    return spark.createDataFrame(List.of(row), SCHEMA);
  }

  private static RunRecord fromRow(Row r) {
    return new RunRecord(
        r.getAs("run_id"),
        date(r, "as_of"),
        r.getAs("status"),
        r.<Timestamp>getAs("started_at").toInstant(),
        r.<Timestamp>getAs("finished_at").toInstant(),
        r.getAs("mode"),
        r.getAs("input"),
        r.getAs("batch_id"),
        longOr(r, "batches_added"),
        longOr(r, "batches_skipped"),
        longOr(r, "input_rows"),
        longOr(r, "clean_rows"),
        longOr(r, "duplicate_rows"),
        longOr(r, "quarantined_rows"),
        longOr(r, "customers_scored"),
        longOr(r, "customers_returns_only"),
        longOr(r, "lines_after_as_of"),
        r.getAs("kmeans_status"),
        r.getAs("k"),
        r.getAs("silhouette"),
        r.isNullAt(r.fieldIndex("stage_ms")) ? Map.of() : r.getJavaMap(r.fieldIndex("stage_ms")),
        r.isNullAt(r.fieldIndex("table_versions")) ? Map.of() : r.getJavaMap(r.fieldIndex("table_versions")),
        date(r, "state_through"),
        date(r, "max_event_date"),
        r.getAs("config_hash"),
        r.getAs("warnings"),
        r.getAs("message"),
        // Runs tables written before the column existed read it as absent.
        java.util.Arrays.asList(r.schema().fieldNames()).contains("input_columns") && !r.isNullAt(r.fieldIndex("input_columns"))
            ? r.getList(r.fieldIndex("input_columns"))
            : null);
  }

  private static int outputSchema(Row r) {
    boolean recorded = java.util.Arrays.asList(r.schema().fieldNames()).contains("output_schema");
    return recorded && !r.isNullAt(r.fieldIndex("output_schema")) ? r.getInt(r.fieldIndex("output_schema")) : 1;
  }

  private static LocalDate date(Row r, String name) {
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? null : r.getDate(i).toLocalDate();
  }

  private static long longOr(Row r, String name) {
    int i = r.fieldIndex(name);
    return r.isNullAt(i) ? 0L : r.getLong(i);
  }
}
