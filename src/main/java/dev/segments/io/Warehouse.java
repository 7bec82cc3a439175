package dev.segments.io;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.RUN_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.io.UncheckedIOException;
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

  public SparkSession spark() {
    return spark;
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

  /**
   * Adds one run's rows of a per-date table. Tables are partitioned by (as_of, run_id), so rows of a
   * run that never published are removed by a metadata-only delete ({@link #keepRuns}).
   */
  public void appendRun(String table, Dataset<Row> rows) {
    if (Invariants.constrains(table) && !exists(table)) {
      Invariants.createTable(spark, table, path(table), rows.schema(), List.of(AS_OF, RUN_ID));
    }
    rows.write()
        .format("delta")
        .mode(SaveMode.Append)
        .partitionBy(AS_OF, RUN_ID)
        .options(Tables.creationOptions(table))
        .save(path(table));
  }

  /**
   * Deletes the rows of every run not in {@code published} from a per-date table: what a killed or
   * superseded run left behind. Touches nothing when there is nothing to delete, so no new version.
   */
  public void keepRuns(String table, java.util.Collection<String> published) {
    if (!exists(table)) {
      return;
    }
    Column stale =
        published.isEmpty() ? lit(true) : functions.not(col(RUN_ID).isin(published.toArray()));
    if (read(table).where(stale).select(col(RUN_ID)).limit(1).isEmpty()) {
      return;
    }
    DeltaTable.forPath(spark, path(table)).delete(stale);
  }

  /** Replaces the whole table. */
  public void overwrite(String table, Dataset<Row> rows) {
    rows.write()
        .format("delta")
        .mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true")
        .options(Tables.creationOptions(table))
        .save(path(table));
  }

  /** The table's latest version, or -1 when it does not exist. */
  public long version(String table) {
    if (!exists(table)) {
      return -1;
    }
    // The log's commit files are named by version; listing them costs one directory read, where
    // asking Delta for its history starts a Spark job.
    try {
      Path log = new Path(path(table), "_delta_log");
      long latest = -1;
      for (FileStatus f : log.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(log)) {
        String name = f.getPath().getName();
        if (name.length() == 25 && name.endsWith(".json") && name.substring(0, 20).chars().allMatch(Character::isDigit)) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return latest;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table as it was at a version (time travel). */
  public Dataset<Row> readVersion(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /**
   * Puts the table back to a version if a later one exists: undoes what a killed run committed
   * before it could publish. A version of -1 (never published) empties the table.
   */
  public void rollBackTo(String table, long version) {
    long current = version(table);
    if (current <= version) {
      return;
    }
    if (version < 0) {
      DeltaTable.forPath(spark, path(table)).delete();
      // A run killed between creating the table and adding its constraints left it without them.
      Invariants.ensure(spark, table, path(table));
    } else {
      DeltaTable.forPath(spark, path(table)).restoreToVersion(version);
    }
  }

  /** Deletes rows matching a condition; no new version when none match. */
  public long delete(String table, Column condition) {
    if (!exists(table)) {
      return 0;
    }
    long matching = read(table).where(condition).count();
    if (matching > 0) {
      DeltaTable.forPath(spark, path(table)).delete(condition);
    }
    return matching;
  }

  public void append(String table, Dataset<Row> rows) {
    if (!exists(table) && Invariants.constrains(table)) {
      Invariants.createTable(spark, table, path(table), rows.schema(), List.of());
    }
    rows.write().format("delta").mode(SaveMode.Append).options(Tables.creationOptions(table)).save(path(table));
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
      // The session may have registered a same-named table of another warehouse; these are external
      // tables, so dropping one forgets the name and leaves its files alone.
      spark.sql("DROP TABLE IF EXISTS `" + name + "`");
      spark.sql(
          "CREATE TABLE IF NOT EXISTS `" + name + "` USING delta LOCATION '"
              + path(name).replace("'", "\\'") + "'");
    }
    return names;
  }
}
