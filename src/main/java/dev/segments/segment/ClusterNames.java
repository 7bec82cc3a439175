package dev.segments.segment;

import java.util.ArrayList;
import java.util.List;

/** Readable cluster names from a profile compared with the whole customer base. */
final class ClusterNames {
  private ClusterNames() {}

  /** E.g. "high value · frequent · recent": each part says how the cluster differs from the mean. */
  static String name(
      double recency, double frequency, double monetary, double meanRecency, double meanFrequency, double meanMonetary) {
    List<String> parts = new ArrayList<>();
    parts.add(level(monetary, meanMonetary, "high value", "mid value", "low value"));
    parts.add(level(frequency, meanFrequency, "frequent", "regular", "rare"));
    // Lower recency is better: compare inverted.
    parts.add(level(meanRecency, recency, "recent", "lapsing", "lapsed"));
    return String.join(" · ", parts);
  }

  private static String level(double value, double mean, String high, String middle, String low) {
    if (mean <= 0) {
      return value > 0 ? high : middle;
    }
    double ratio = value / mean;
    if (ratio >= 1.5) {
      return high;
    }
    return ratio <= 0.67 ? low : middle;
  }
}
