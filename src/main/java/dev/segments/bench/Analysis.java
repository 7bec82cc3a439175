package dev.segments.bench;

import java.util.ArrayList;
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
  record Ratio(String name, String numerator, String denominator, double wall, double inner) {}

  private Analysis() {}

  static String fullId(long rows) {
    return "full-" + Sizes.label(rows);
  }

  static String peerId(long rows) {
    return "duckdb-" + Sizes.label(rows);
  }

  static List<Ratio> ratios(List<Measurement> all, BenchOptions options) {
    List<Ratio> ratios = new ArrayList<>();
    for (long rows : options.sizes()) {
      ratios.add(ratio("job / DuckDB at " + Sizes.label(rows), all, fullId(rows), peerId(rows)));
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
    Optional<Measurement> run = all.stream().filter(m -> m.id().equals(fullId(TEN_MILLION))).findFirst();
    boolean ok = run.isPresent() && run.get().ok();
    String measured = run.map(m -> m.status() + " with -Xmx" + options.heap()).orElse("-");
    return new Target(name, measured, "exit 0", ok ? Target.PASS : Target.FAIL);
  }

  private static Ratio ratio(String name, List<Measurement> all, String top, String bottom) {
    Optional<Measurement> a = all.stream().filter(m -> m.id().equals(top)).findFirst();
    Optional<Measurement> b = all.stream().filter(m -> m.id().equals(bottom)).findFirst();
    if (a.isEmpty() || b.isEmpty() || !a.get().ok() || !b.get().ok()) {
      return new Ratio(name, top, bottom, Double.NaN, Double.NaN);
    }
    return new Ratio(
        name, top, bottom, a.get().seconds() / b.get().seconds(), a.get().innerSeconds() / b.get().innerSeconds());
  }

  private static Optional<Ratio> find(List<Ratio> ratios, String prefix) {
    return ratios.stream().filter(r -> r.name().startsWith(prefix)).findFirst();
  }
}
