package dev.segments.bench;

import java.util.Map;

/**
 * One timed child process of the report.
 *
 * @param id short name, also the name of its log files (full-10m, duckdb-10m, nightly-1x ...)
 * @param rows input rows it processed: the whole file, or the night's file for a nightly run
 * @param innerSeconds the time the program itself reports (the job's summary line; DuckDB's steps),
 *     so wall - inner is start-up
 * @param memoryLimit the memory the run was given (-Xmx for the job, memory_limit for DuckDB)
 * @param heapPeakBytes the job's largest heap occupancy in its GC log; 0 when unknown
 * @param stages seconds per stage, in the program's order
 */
record Measurement(
    String id,
    String what,
    String size,
    long rows,
    ChildProcess.Result child,
    double innerSeconds,
    String memoryLimit,
    long heapPeakBytes,
    Map<String, Double> stages,
    String note) {

  boolean ok() {
    return child != null && child.ok() && note == null;
  }

  double seconds() {
    return child == null ? Double.NaN : child.seconds();
  }

  double rowsPerSecond() {
    return rows / seconds();
  }

  String status() {
    if (child == null) {
      return note;
    }
    if (!child.ok()) {
      return "FAILED (exit " + child.exitCode() + ")";
    }
    return note == null ? "ok" : note;
  }
}
