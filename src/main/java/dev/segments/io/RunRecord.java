package dev.segments.io;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * One row of the runs table: what a run did, with its reconciliation counts, stage timings and the
 * table versions it wrote. A date's results are published by the row of a succeeded run; readers
 * and later runs trust the tables at the versions recorded here.
 *
 * @param status succeeded, failed, skipped (same input and config as a published run), forgotten
 *     or maintained
 * @param batchId the fingerprint of the whole input
 * @param stateThrough incremental runs: the date up to which per-customer state covers history
 * @param maxEventDate the latest transaction date ingested so far
 * @param inputColumns the columns of the input this run read (null when it read none), so the next
 *     run can name the columns that appeared since
 */
public record RunRecord(
    String runId,
    LocalDate asOf,
    String status,
    Instant startedAt,
    Instant finishedAt,
    String mode,
    String input,
    String batchId,
    long batchesAdded,
    long batchesSkipped,
    long inputRows,
    long cleanRows,
    long duplicateRows,
    long quarantinedRows,
    long customersScored,
    long customersReturnsOnly,
    long linesAfterAsOf,
    String kmeansStatus,
    Integer k,
    Double silhouette,
    Map<String, Long> stageMillis,
    Map<String, Long> tableVersions,
    LocalDate stateThrough,
    LocalDate maxEventDate,
    String configHash,
    String warnings,
    String message,
    List<String> inputColumns) {

  public boolean succeeded() {
    return "succeeded".equals(status);
  }

  public double quarantineShare() {
    return inputRows == 0 ? 0.0 : (double) quarantinedRows / inputRows;
  }
}
