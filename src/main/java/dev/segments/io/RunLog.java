package dev.segments.io;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The runs table: one appended row per run, succeeded or failed. */
public final class RunLog {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, true)
          .add("status", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("input", DataTypes.StringType, true)
          .add("batch_id", DataTypes.StringType, true)
          .add("input_rows", DataTypes.LongType, false)
          .add("clean_rows", DataTypes.LongType, false)
          .add("duplicate_rows", DataTypes.LongType, false)
          .add("quarantined_rows", DataTypes.LongType, false)
          .add("customers_scored", DataTypes.LongType, false)
          .add("customers_returns_only", DataTypes.LongType, false)
          .add("lines_after_as_of", DataTypes.LongType, false)
          .add("kmeans_status", DataTypes.StringType, true)
          .add("k", DataTypes.IntegerType, true)
          .add("stage_ms", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true)
          .add("config_hash", DataTypes.StringType, true)
          .add("message", DataTypes.StringType, true);

  private RunLog() {}

  public static void append(SparkSession spark, Warehouse warehouse, RunRecord run) {
    warehouse.append(Tables.RUNS, toFrame(spark, run));
  }

  static Dataset<Row> toFrame(SparkSession spark, RunRecord run) {
    Row row =
        RowFactory.create(
            run.runId(),
            run.asOf() == null ? null : Date.valueOf(run.asOf()),
            run.status(),
            Timestamp.from(run.startedAt()),
            Timestamp.from(run.finishedAt()),
            run.input(),
            run.batchId(),
            run.inputRows(),
            run.cleanRows(),
            run.duplicateRows(),
            run.quarantinedRows(),
            run.customersScored(),
            run.customersReturnsOnly(),
            run.linesAfterAsOf(),
            run.kmeansStatus(),
            run.k(),
            run.stageMillis(),
            run.configHash(),
            run.message());
    return spark.createDataFrame(List.of(row), SCHEMA);
  }
}
