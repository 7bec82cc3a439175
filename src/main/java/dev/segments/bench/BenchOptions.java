package dev.segments.bench;

import dev.segments.SegmentsException;
import dev.segments.cli.CliArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one benchmark run measures.
 *
 * @param sizes row counts, ascending; one of them also carries the nightly measurements ({@link #nightly})
 * @param heap the -Xmx given to every job run (and DuckDB's memory limit), as written
 * @param repeat samples of each timed run a target depends on (full, DuckDB, night); ratios use their medians
 * @param sparkBaseline also run {@link SparkBaseline} beside each full run and DuckDB run
 */
record BenchOptions(
    List<Long> sizes, boolean doubling, Path work, String heap, long heapBytes, long seed, Path report, int repeat,
    boolean sparkBaseline) {
  static final String USAGE =
      "usage: jobs/benchmark [--sizes 1m,10m[,100m]] [--doubling] [--spark-baseline] [--repeat N] [--work DIR] [--heap 2g] [--seed S] [--report DIR]";

  /** Enough for a median that one slow hour cannot move; each sample of 10M costs about four minutes. */
  static final int MAX_REPEAT = 9;

  /** Below this the split into days and the quantiles mean little; smoke runs use 200k. */
  static final long MIN_ROWS = 10_000;
  /** The generator's customer ids are ints; rows / 20 customers must fit. */
  static final long MAX_ROWS = 10_000_000_000L;

  static BenchOptions parse(List<String> args, Path root, String timestamp) {
    CliArgs cli =
        CliArgs.parse("benchmark", args, Set.of("sizes", "work", "heap", "seed", "report", "repeat"), Set.of("doubling", "spark-baseline"));
    if (!cli.positionals().isEmpty()) {
      throw SegmentsException.usage("Unexpected argument: " + cli.positionals().get(0));
    }
    List<Long> sizes = sizes(cli.option("sizes", "1m,10m"));
    String heap = cli.option("heap", "2g");
    long heapBytes = Sizes.memory("--heap", heap);
    if (heapBytes < 256L << 20) {
      throw SegmentsException.usage("Invalid --heap: '" + heap + "' (at least 256m: Spark does not start below)");
    }
    long seed;
    try {
      seed = Long.parseLong(cli.option("seed", "1"));
    } catch (NumberFormatException e) {
      throw SegmentsException.usage("Invalid --seed: '" + cli.option("seed") + "' (expected a whole number)");
    }
    int repeat = repeat(cli.option("repeat", "1"));
    Path benchmarkDir = root.resolve("target").resolve("benchmark");
    Path work = absolute(cli.option("work"), benchmarkDir.resolve("work"));
    Path report = absolute(cli.option("report"), benchmarkDir.resolve(timestamp));
    return new BenchOptions(
        sizes, cli.flag("doubling"), work, heap, heapBytes, seed, report, repeat, cli.flag("spark-baseline"));
  }

  /** The id of sample {@code n} (from 1) of a timed run: the first keeps the plain id. */
  static String sampleId(String id, int n) {
    return n == 1 ? id : id + "-r" + n;
  }

  private static int repeat(String text) {
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1 || n > MAX_REPEAT) {
      throw SegmentsException.usage("Invalid --repeat: '" + text + "' (expected a whole number from 1 to " + MAX_REPEAT + ")");
    }
    return n;
  }

  /**
   * The size whose history carries the nightly runs: the largest up to 10M, as the issue defines
   * the nightly target on the 10M history (a 100M history would need another copy of the file for
   * the split, and hours); the smallest when every size is above.
   */
  long nightly() {
    return sizes.stream().filter(rows -> rows <= Analysis.TEN_MILLION).reduce((a, b) -> b).orElse(sizes.get(0));
  }

  private static List<Long> sizes(String text) {
    TreeSet<Long> sizes = new TreeSet<>();
    for (String part : text.split(",", -1)) {
      long rows = Sizes.rows("--sizes", part);
      if (rows < MIN_ROWS) {
        throw SegmentsException.usage("Invalid --sizes: '" + part + "' (at least " + Sizes.label(MIN_ROWS) + " rows)");
      }
      if (rows > MAX_ROWS) {
        throw SegmentsException.usage("Invalid --sizes: '" + part + "' (at most " + Sizes.label(MAX_ROWS) + " rows)");
      }
      sizes.add(rows);
    }
    return new ArrayList<>(sizes);
  }

  private static Path absolute(String given, Path fallback) {
    return (given == null ? fallback : Path.of(given)).toAbsolutePath().normalize();
  }
}
