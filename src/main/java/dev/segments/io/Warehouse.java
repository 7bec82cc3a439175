package dev.segments.io;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.BATCH_ID;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A folder of Delta tables, one sub-folder per table. All writes of the job go through here: a
 * per-date table replaces exactly its as-of partition, so other dates are never touched.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final Path root;

  public Warehouse(SparkSession spark, String location) {
    this.spark = spark;
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      this.root = fs.makeQualified(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String location() {
    return root.toString();
  }

  public String path(String table) {
    return new Path(root, table).toString();
  }

  public boolean exists(String table) {
    try {
      Path log = new Path(new Path(root, table), "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /** Replaces the rows of one as-of date (the table is partitioned by as_of). */
  public void replaceDate(String table, Dataset<Row> rows, LocalDate asOf) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .partitionBy(AS_OF)
        .option("replaceWhere", AS_OF + " = DATE'" + asOf + "'")
        .save(path(table));
  }

  /** Replaces the lines of one input batch, so a re-delivered batch is not counted twice. */
  public void replaceBatch(String table, Dataset<Row> rows, String batchId) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", BATCH_ID + " = '" + batchId.replace("'", "''") + "'")
        .save(path(table));
  }

  public void append(String table, Dataset<Row> rows) {
    rows.write().format("delta").mode(SaveMode.Append).save(path(table));
  }

  /** The tables present in the warehouse, by folder name. */
  public List<String> tables() {
    List<String> names = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return names;
      }
      for (FileStatus status : fs.listStatus(root)) {
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          names.add(status.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    names.sort(String::compareTo);
    return names;
  }

  /**
   * Registers every table of the warehouse in the session catalog under its name, so SQL can say
   * {@code SELECT * FROM customer_segments} (and use time travel: {@code VERSION AS OF n}).
   */
  public List<String> registerAll() {
    List<String> names = tables();
    for (String name : names) {
      spark.sql(
          "CREATE TABLE IF NOT EXISTS `" + name + "` USING delta LOCATION '"
              + path(name).replace("'", "\\'") + "'");
    }
    return names;
  }
}
