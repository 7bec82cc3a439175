package dev.segments.io;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** One row of the runs table: what a run did, with its reconciliation counts and stage timings. */
public record RunRecord(
    String runId,
    LocalDate asOf,
    String status,
    Instant startedAt,
    Instant finishedAt,
    String input,
    String batchId,
    long inputRows,
    long cleanRows,
    long duplicateRows,
    long quarantinedRows,
    long customersScored,
    long customersReturnsOnly,
    long linesAfterAsOf,
    String kmeansStatus,
    Integer k,
    Map<String, Long> stageMillis,
    String configHash,
    String message) {}
