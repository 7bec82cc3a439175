package dev.segments.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The ratios and targets of the issue, from the measurements (found by their ids). */
final class Analysis {
  static final long TEN_MILLION = 10_000_000;
  static final long HUNDRED_MILLION = 100_000_000;
  static final long TWO_GB = 2L << 30;

  /**
   * A ratio of two measurements, on wall time (what a scheduler waits for) and on the programs' own
   * time (start-up of the JVM and Spark left out, which dominates small runs).
   */
  record Ratio(String name, String numerator, String denominator, double wall, double inner, List<Double> rounds) {}

  /**
   * The samples of one timed run ({@code id}, {@code id-r2}, ...; see --repeat): how many, and the
   * medians of their wall and in-program seconds. A single slow or fast hour moves a median of three
   * by nothing; the medians are NaN when any sample failed.
   */
  record Samples(String id, int count, double wall, double inner) {
    String label() {
      return count > 1 ? id + " (median of " + count + ")" : id;
    }
  }

  private Analysis() {}

  static String fullId(long rows) {
    return "full-" + Sizes.label(rows);
  }

  static String peerId(long rows) {
    return "duckdb-" + Sizes.label(rows);
  }

  static String baselineId(long rows) {
    return "spark-" + Sizes.label(rows);
  }

  static List<Ratio> ratios(List<Measurement> all, BenchOptions options) {
    List<Ratio> ratios = new ArrayList<>();
    for (long rows : options.sizes()) {
      ratios.add(ratio("job / DuckDB at " + Sizes.label(rows), all, fullId(rows), peerId(rows)));
    }
    if (options.sparkBaseline()) {
      for (long rows : options.sizes()) {
        ratios.add(ratio("Spark baseline / DuckDB at " + Sizes.label(rows), all, baselineId(rows), peerId(rows)));
        ratios.add(ratio("job / Spark baseline at " + Sizes.label(rows), all, fullId(rows), baselineId(rows)));
      }
    }
    String full = fullId(options.nightly());
    ratios.add(ratio("nightly / full at " + Sizes.label(options.nightly()), all, "nightly-1x", full));
    ratios.add(ratio("history load / full at " + Sizes.label(options.nightly()), all, "history-1x", full));
    if (options.doubling()) {
      ratios.add(ratio("nightly (2x history) / nightly (1x)", all, "nightly-2x", "nightly-1x"));
    }
    return ratios;
  }

  static List<Target> targets(List<Measurement> all, BenchOptions options) {
    List<Ratio> ratios = ratios(all, options);
    List<Target> targets = new ArrayList<>();
    targets.add(versusPeer("full pipeline at 10M <= 8x DuckDB", TEN_MILLION, 8, all, options));
    targets.add(versusPeer("full pipeline at 100M <= 4x DuckDB", HUNDRED_MILLION, 4, all, options));
    Ratio nightly = find(ratios, "nightly / full").orElseThrow();
    targets.add(
        Double.isFinite(nightly.wall())
            ? Target.ratio("nightly / full <= 0.5", nightly.wall(), 0.5, "wall, at " + Sizes.label(options.nightly()))
            : new Target("nightly / full <= 0.5", "-", "<= 0.5", Target.FAIL + " (a run failed)"));
    if (!options.doubling()) {
      targets.add(Target.notMeasured("doubling ratio <= 1.3", "<= 1.3", "run with --doubling"));
    } else {
      Ratio doubling = find(ratios, "nightly (2x").orElseThrow();
      targets.add(
          Double.isFinite(doubling.wall())
              ? Target.ratio("doubling ratio <= 1.3", doubling.wall(), 1.3, "wall")
              : new Target("doubling ratio <= 1.3", "-", "<= 1.3", Target.FAIL + " (a run failed)"));
    }
    targets.add(tenMillionIn2g(all, options));
    return targets;
  }

  private static Target versusPeer(String name, long rows, double limit, List<Measurement> all, BenchOptions options) {
    if (!options.sizes().contains(rows)) {
      return Target.notMeasured(name, "<= " + limit, Sizes.label(rows) + " not in --sizes");
    }
    Ratio r = ratio("", all, fullId(rows), peerId(rows));
    return Double.isFinite(r.wall())
        ? Target.ratio(name, r.wall(), limit, "wall")
        : new Target(name, "-", "<= " + limit, Target.FAIL + " (a run failed)");
  }

  private static Target tenMillionIn2g(List<Measurement> all, BenchOptions options) {
    String name = "10M run succeeds with -Xmx2g";
    if (!options.sizes().contains(TEN_MILLION)) {
      return Target.notMeasured(name, "exit 0", "10m not in --sizes");
    }
    if (options.heapBytes() > TWO_GB) {
      return Target.notMeasured(name, "exit 0", "--heap " + options.heap() + " is above 2g");
    }
    List<Measurement> runs = samplesOf(all, fullId(TEN_MILLION));
    boolean ok = !runs.isEmpty() && runs.stream().allMatch(Measurement::ok);
    String measured =
        runs.isEmpty()
            ? "-"
            : (ok ? "ok" : "FAILED") + (runs.size() > 1 ? " (" + runs.size() + " runs)" : "") + " with -Xmx" + options.heap();
    return new Target(name, measured, "exit 0", ok ? Target.PASS : Target.FAIL);
  }

  private static Ratio ratio(String name, List<Measurement> all, String top, String bottom) {
    Samples a = samples(all, top);
    Samples b = samples(all, bottom);
    return new Ratio(name, a.label(), b.label(), a.wall() / b.wall(), a.inner() / b.inner(), byRound(all, top, bottom));
  }

  /**
   * Wall time of each round's sample over the same round's sample of the other run (RunOrder runs
   * them close together): how much a ratio moved from round to round. Empty unless both runs were
   * sampled more than once; NaN for a round where either sample failed.
   */
  static List<Double> byRound(List<Measurement> all, String top, String bottom) {
    List<Measurement> a = samplesOf(all, top);
    List<Measurement> b = samplesOf(all, bottom);
    List<Double> rounds = new ArrayList<>();
    if (a.size() < 2 || b.size() < 2) {
      return rounds;
    }
    for (int n = 1; n <= Math.min(a.size(), b.size()); n++) {
      Optional<Measurement> x = sample(a, BenchOptions.sampleId(top, n));
      Optional<Measurement> y = sample(b, BenchOptions.sampleId(bottom, n));
      boolean ok = x.isPresent() && y.isPresent() && x.get().ok() && y.get().ok();
      rounds.add(ok ? x.get().seconds() / y.get().seconds() : Double.NaN);
    }
    return rounds;
  }

  private static Optional<Measurement> sample(List<Measurement> runs, String id) {
    return runs.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  static Samples samples(List<Measurement> all, String id) {
    List<Measurement> runs = samplesOf(all, id);
    if (runs.isEmpty() || !runs.stream().allMatch(Measurement::ok)) {
      return new Samples(id, runs.size(), Double.NaN, Double.NaN);
    }
    return new Samples(
        id,
        runs.size(),
        median(runs.stream().mapToDouble(Measurement::seconds).toArray()),
        median(runs.stream().mapToDouble(Measurement::innerSeconds).toArray()));
  }

  private static List<Measurement> samplesOf(List<Measurement> all, String id) {
    return all.stream().filter(m -> m.id().equals(id) || m.id().startsWith(id + "-r")).toList();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static Optional<Ratio> find(List<Ratio> ratios, String prefix) {
    return ratios.stream().filter(r -> r.name().startsWith(prefix)).findFirst();
  }
}
