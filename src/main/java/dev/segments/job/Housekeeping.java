package dev.segments.job;

import static dev.segments.Columns.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.SegmentsException;
import dev.segments.io.RunLog;
import dev.segments.io.RunRecord;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.io.WarehouseLock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * The operations besides a run: compaction with vacuum, and erasure of one customer. Each takes the
 * warehouse lock and leaves a row in {@code runs} with the table versions it produced, so the next
 * run trusts those versions and does not roll them back.
 */
public final class Housekeeping {
  private Housekeeping() {}

  /** What an operation did, for the command line. */
  public record Report(RunRecord run, Map<String, Long> rowsByTable) {}

  /**
   * Compacts every table (OPTIMIZE) and removes files no version inside the retention window needs
   * (VACUUM). Time travel keeps working for versions younger than the window.
   */
  public static Report maintain(SparkSession spark, Warehouse warehouse, int retentionDays) {
    if (warehouse.tables().isEmpty()) {
      throw SegmentsException.noInput("No Delta tables in " + warehouse.location());
    }
    Instant started = Instant.now();
    try (WarehouseLock lock = WarehouseLock.acquire(warehouse.location(), "maintain")) {
      RunLog.history(spark, warehouse); // refuses a warehouse of a newer release before touching it
      Map<String, Long> files = new LinkedHashMap<>();
      for (String table : warehouse.tables()) {
        String ref = "delta.`" + warehouse.path(table).replace("`", "``") + "`";
        // Warehouses made by a release before the constraints existed get them here.
        dev.segments.io.Invariants.ensure(spark, table, warehouse.path(table));
        spark.sql("OPTIMIZE " + ref);
        long removed = spark.sql("VACUUM " + ref + " RETAIN " + (24L * retentionDays) + " HOURS").count();
        files.put(table, removed);
      }
      RunRecord record =
          record(spark, warehouse, "maintained", started,
              "optimized and vacuumed " + files.size() + " tables, keeping " + retentionDays + " days of history");
      return new Report(record, files);
    }
  }

  /**
   * Removes one customer from every table that holds customer rows, the raw quarantined rows
   * included. Older table versions still hold the rows until {@code maintain} vacuums them after the
   * retention window; the runs row names a hash of the id, never the id itself.
   */
  public static Report forget(SparkSession spark, Warehouse warehouse, String customerId) {
    String id = customerId.trim().replaceFirst("^([+-]?[0-9]+)\\.0+$", "$1");
    if (id.isEmpty()) {
      throw SegmentsException.usage("Invalid --customer: empty");
    }
    if (warehouse.tables().isEmpty()) {
      throw SegmentsException.noInput("No Delta tables in " + warehouse.location());
    }
    Instant started = Instant.now();
    try (WarehouseLock lock = WarehouseLock.acquire(warehouse.location(), "forget")) {
      RunLog.history(spark, warehouse); // refuses a warehouse of a newer release before touching it
      Map<String, Long> rows = new LinkedHashMap<>();
      for (String table : warehouse.tables()) {
        if (Arrays.asList(warehouse.read(table).columns()).contains(CUSTOMER_ID)) {
          rows.put(table, warehouse.delete(table, col(CUSTOMER_ID).equalTo(lit(id))));
        }
      }
      long total = rows.values().stream().mapToLong(Long::longValue).sum();
      RunRecord record =
          record(spark, warehouse, "forgotten", started,
              "customer sha256:" + sha256(id) + " removed: " + total + " rows from " + rows.size() + " tables");
      return new Report(record, rows);
    }
  }

  private static RunRecord record(
      SparkSession spark, Warehouse warehouse, String status, Instant started, String message) {
    Map<String, Long> versions = new TreeMap<>();
    for (String table : warehouse.tables()) {
      if (!table.equals(Tables.RUNS)) {
        versions.put(table, warehouse.version(table));
      }
    }
    RunRecord record =
        new RunRecord(
            SegmentationJob.newRunId(started), null, status, started, Instant.now(), null, null, null, 0, 0, 0,
            0, 0, 0, 0, 0, 0, null, null, null, Map.of(), versions, null, null, null, null, message, null);
    RunLog.append(spark, warehouse, record);
    return record;
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
