package dev.segments.io;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that makes SparkSessions, for the job, the tests and (mirrored in notebooks-conf/)
 * notebooks, so that all of them read and write Delta the same way.
 */
public final class SparkSessions {
  private SparkSessions() {}

  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  /**
   * A session for the job. Under spark-submit the master and resources come from the submitter; run
   * directly, it is local Spark on every core with the UI off and the catalog kept under {@code
   * scratch}.
   */
  public static SparkSession forJob(String appName, Path scratch) {
    SparkConf conf = new SparkConf(true);
    boolean submitted = conf.contains("spark.master");
    if (!submitted) {
      // setIfMissing: a -Dspark.* system property (SEGMENTS_JAVA_OPTS) still tunes a local run.
      conf.setMaster("local[*]")
          .setIfMissing("spark.ui.enabled", "false")
          .setIfMissing("spark.driver.host", "127.0.0.1")
          .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
          .setIfMissing("spark.sql.shuffle.partitions", String.valueOf(localShufflePartitions()))
          // Delta rebuilds a table's state from its log with this many tasks, before and after each
          // commit. Its default (50) suits big logs on clusters; the warehouse's logs are a few MB at
          // most, which one task reads: a night's run made 404 tasks instead of 599 and spent 6-20%
          // less task CPU than with 4 (docs/benchmark.md).
          .setIfMissing("spark.databricks.delta.snapshotPartitions", "1")
          // VACUUM lists a table's folders with this many tasks (default 10,000): minutes of empty
          // tasks per table on one machine.
          .setIfMissing(LISTING_PARALLELISM, String.valueOf(localShufflePartitions()))
          .setIfMissing("spark.sql.warehouse.dir", scratch.resolve("spark-catalog").toUri().toString());
    }
    return build(conf.setAppName(appName));
  }

  /** A small local session for tests: two cores, two shuffle partitions, no UI. */
  public static SparkSession forTests(Path scratch) {
    SparkConf conf =
        new SparkConf(false)
            .setMaster("local[2]")
            .setAppName("segments-tests")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.default.parallelism", "2")
            .set("spark.sql.warehouse.dir", scratch.resolve("spark-catalog").toUri().toString())
            .set("spark.databricks.delta.snapshotPartitions", "2")
            .set(LISTING_PARALLELISM, "2");
    return build(conf);
  }

  private static SparkSession build(SparkConf conf) {
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // ANSI mode stays on: casts that would silently produce null or wrap must fail loudly instead;
        // cleaning types every field with try_* functions so bad rows are quarantined, not fatal.
        .set("spark.sql.ansi.enabled", "true")
        .set("spark.sql.sources.partitionOverwriteMode", "static")
        .set("spark.sql.adaptive.enabled", "true")
        // A run generates more classes than Spark's default cache of 100 holds, so a second run in
        // the same JVM (replay's nights, the tests) compiled them all again: 40% of a warm tiny run.
        .setIfMissing("spark.sql.codegen.cache.maxEntries", "2000")
        // Cached tables keep plain columns and serialized blocks are LZ4-compressed instead: the
        // columnar cache's encodings box and hash every value while the cache is built, which cost
        // more CPU than the compression of whole blocks (SegmentationJob.LINES_CACHE).
        .setIfMissing("spark.sql.inMemoryColumnarStorage.compressed", "false")
        .setIfMissing("spark.rdd.compress", "true")
        // Delta 4 derives each commit's version checksum from the previous version's .crc file; where
        // there is none it rebuilds the table's state with Spark jobs, twice per commit, whether or
        // not the new checksum is written. So the checksum stays on (Delta's default), and a night
        // commits without reconstructing any table (39 state jobs to 18, the rest reads; the write
        // stage 21 to 18 s). In a session whose time zone is not UTC, Delta would still verify every
        // derived checksum with a full reconstruction, a guard for timestamp partition values: these
        // tables are partitioned by a date and a run id only, so it is turned off.
        .setIfMissing("spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled", "false");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  private static int localShufflePartitions() {
    // Local data on one machine: a few partitions per core beats Spark's default of 200 tiny tasks.
    return Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
  }
}
