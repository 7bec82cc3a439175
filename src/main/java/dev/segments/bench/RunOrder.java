package dev.segments.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of the timed runs of one size. A ratio compares runs made at different moments, and
 * this machine's speed drifts by 10-20% within an hour (docs/benchmark.md, "Repeated samples"), so
 * the runs a ratio divides are interleaved: at the nightly size the history loads come first, then
 * each round runs a full pipeline, the DuckDB peer and the night on each history. A slow spell then
 * falls on samples of both sides of a ratio instead of on one side's block of samples.
 */
final class RunOrder {
  enum Kind {
    /** The full pipeline, then the DuckDB peer on the same file. */
    FULL,
    /** The incremental warehouse loaded with the history (once per history). */
    HISTORY,
    /** One night on a copy of the loaded history. */
    NIGHT
  }

  /** One timed step; {@code tag} is the history (1x, 2x) of a HISTORY or NIGHT step. */
  record Step(Kind kind, String tag, int sample) {}

  private RunOrder() {}

  static List<Step> of(long rows, BenchOptions options) {
    List<String> tags = new ArrayList<>();
    if (rows == options.nightly()) {
      tags.add("1x");
      if (options.doubling()) {
        tags.add("2x");
      }
    }
    List<Step> steps = new ArrayList<>();
    for (String tag : tags) {
      steps.add(new Step(Kind.HISTORY, tag, 1));
    }
    for (int n = 1; n <= options.repeat(); n++) {
      steps.add(new Step(Kind.FULL, null, n));
      for (String tag : tags) {
        steps.add(new Step(Kind.NIGHT, tag, n));
      }
    }
    return steps;
  }
}
