package dev.segments.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segments.ExitCode;
import dev.segments.SegmentsException;
import dev.segments.clean.Reconciliation;
import dev.segments.config.SegmentsConfig.Guard;
import dev.segments.io.RunRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data-quality guard against the previous published date, on hand-made run records. */
class GuardTest {
  static final LocalDate MAY_1 = LocalDate.of(2024, 5, 1);
  static final LocalDate MAY_2 = LocalDate.of(2024, 5, 2);

  /** A published run of May 1: 1,000 rows of which 20 quarantined (2%), 200 customers scored. */
  static final Map<LocalDate, RunRecord> PUBLISHED =
      Map.of(
          MAY_1,
          new RunRecord(
              "run-1", MAY_1, "succeeded", Instant.EPOCH, Instant.EPOCH, "full", "in", "b", 1, 0, 1_000, 970, 10,
              20, 200, 0, 0, null, null, null, Map.of(), Map.of(), null, null, "h", null, null, null));

  @Test
  void withinToleranceSaysNothing() {
    // 6% quarantined (4 points more) and 290 customers (45% more): both inside the defaults.
    assertThat(SegmentationJob.guard(new Guard(null, null, null), PUBLISHED, MAY_2, new Reconciliation(1_000, 930, 10, 60), 290))
        .isNull();
  }

  @Test
  void aBreachWarnsByDefaultAndNamesBothMeasures() {
    String warning =
        SegmentationJob.guard(new Guard(null, null, null), PUBLISHED, MAY_2, new Reconciliation(1_000, 900, 10, 90), 50);
    assertThat(warning)
        .isEqualTo(
            "Data-quality guard: quarantined share 9.00% against 2.00% on 2024-05-01"
                + " (guard.max-quarantine-share-change 5.00%); 50 customers scored against 200 on 2024-05-01"
                + " (guard.max-customers-change 50%)");
  }

  @Test
  void aBreachFailsWithExit65WhenConfigured() {
    assertThatThrownBy(
            () ->
                SegmentationJob.guard(
                    new Guard(null, 0.1, "fail"), PUBLISHED, MAY_2, new Reconciliation(1_000, 970, 10, 20), 221))
        .isInstanceOf(SegmentsException.class)
        .hasMessageContaining("221 customers scored against 200")
        .satisfies(e -> assertThat(((SegmentsException) e).exitCode()).isEqualTo(ExitCode.DATA));
  }

  @Test
  void theFirstDateAndEarlierDatesHaveNothingToCompareWith() {
    assertThat(SegmentationJob.guard(new Guard(0.0, 0.0, "fail"), Map.of(), MAY_2, new Reconciliation(10, 5, 0, 5), 1))
        .isNull();
    // A backfill of an earlier date compares with what was published before it: nothing here.
    assertThat(SegmentationJob.guard(new Guard(0.0, 0.0, "fail"), PUBLISHED, MAY_1.minusDays(1), new Reconciliation(10, 5, 0, 5), 1))
        .isNull();
  }
}
