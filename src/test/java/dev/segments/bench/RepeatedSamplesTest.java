package dev.segments.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.segments.SegmentsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/benchmark --repeat}: targets are judged on the medians of the samples, not on the
 * first one, and a failed sample fails its target. The seconds are made up; the expected ratios are
 * worked out by hand below.
 */
class RepeatedSamplesTest {
  @TempDir Path tmp;

  private BenchOptions options(String... extra) {
    List<String> args = new ArrayList<>(List.of("--sizes", "10m", "--work", tmp.resolve("work").toString()));
    args.addAll(List.of(extra));
    return BenchOptions.parse(args, tmp, "20261205-000000");
  }

  private static Measurement run(String id, double wall, double inner, int exit) {
    ChildProcess.Result child = new ChildProcess.Result(exit, wall, 1L << 30, 1L << 30, 1.0, null, null);
    return new Measurement(id, "what", "10m", 10_000_000, child, inner, "-Xmx2g", 0, Map.of(), null);
  }

  private static Target target(List<Target> targets, String prefix) {
    return targets.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void targetsUseTheMediansOfTheSamples() {
    BenchOptions options = options("--repeat", "3");
    List<Measurement> all = List.of(
        // The first sample alone would give 170 / 20 = 8.5 (FAIL); the medians give 150 / 20 = 7.5.
        run("full-10m", 170, 160, 0), run("duckdb-10m", 20, 19, 0),
        run("full-10m-r2", 130, 120, 0), run("duckdb-10m-r2", 25, 24, 0),
        run("full-10m-r3", 150, 140, 0), run("duckdb-10m-r3", 18, 17, 0),
        run("history-1x", 160, 150, 0),
        // Nights 80, 66, 72: median 72; 72 / 150 = 0.48 (the first night alone: 80 / 170 = 0.47).
        run("nightly-1x", 80, 75, 0), run("nightly-1x-r2", 66, 61, 0), run("nightly-1x-r3", 72, 67, 0));

    Analysis.Ratio peer = Analysis.ratios(all, options).get(0);
    assertThat(peer.wall()).isCloseTo(150.0 / 20, within(1e-12));
    assertThat(peer.inner()).isCloseTo(140.0 / 19, within(1e-12));
    assertThat(peer.numerator()).isEqualTo("full-10m (median of 3)");

    List<Target> targets = Analysis.targets(all, options);
    assertThat(target(targets, "full pipeline at 10M").result()).isEqualTo(Target.PASS);
    assertThat(target(targets, "full pipeline at 10M").measured()).startsWith("7.50");
    assertThat(target(targets, "nightly / full").measured()).startsWith("0.48");
    assertThat(target(targets, "10M run succeeds").measured()).isEqualTo("ok (3 runs) with -Xmx2g");
    // history-1x ran once: its ratio is that one run over the full runs' median, 160 / 150.
    Analysis.Ratio history =
        Analysis.ratios(all, options).stream().filter(r -> r.name().startsWith("history")).findFirst().orElseThrow();
    assertThat(history.wall()).isCloseTo(160.0 / 150, within(1e-12));
    assertThat(history.numerator()).isEqualTo("history-1x");
    // Round by round, each sample over the same round's: 170/20, 130/25, 150/18 and 80/170, 66/130, 72/150.
    assertThat(peer.rounds()).containsExactly(8.5, 5.2, 150.0 / 18);
    Analysis.Ratio night =
        Analysis.ratios(all, options).stream().filter(r -> r.name().startsWith("nightly / full")).findFirst().orElseThrow();
    assertThat(night.rounds()).containsExactly(80.0 / 170, 66.0 / 130, 72.0 / 150);
    // One history load: no round to pair it with.
    assertThat(history.rounds()).isEmpty();
  }

  @Test
  void theSparkBaselineIsComparedWithDuckDbAndTheJobOnlyWhenAsked() {
    List<Measurement> all = List.of(
        run("full-10m", 150, 140, 0), run("duckdb-10m", 15, 14, 0), run("spark-10m", 75, 70, 0),
        run("history-1x", 150, 140, 0), run("nightly-1x", 70, 65, 0));

    List<Analysis.Ratio> ratios = Analysis.ratios(all, options("--spark-baseline"));
    Analysis.Ratio spark = ratios.stream().filter(r -> r.name().startsWith("Spark baseline / DuckDB")).findFirst().orElseThrow();
    assertThat(spark.wall()).isCloseTo(75.0 / 15, within(1e-12));
    assertThat(spark.inner()).isCloseTo(70.0 / 14, within(1e-12));
    Analysis.Ratio job = ratios.stream().filter(r -> r.name().startsWith("job / Spark baseline")).findFirst().orElseThrow();
    assertThat(job.wall()).isCloseTo(150.0 / 75, within(1e-12));
    assertThat(job.numerator()).isEqualTo("full-10m");
    assertThat(job.denominator()).isEqualTo("spark-10m");
    // The baseline is no target: the 10M target stays job / DuckDB, 150 / 15 = 10.
    assertThat(target(Analysis.targets(all, options("--spark-baseline")), "full pipeline at 10M").measured())
        .startsWith("10.00");

    assertThat(Analysis.ratios(all, options())).noneMatch(r -> r.name().contains("Spark baseline"));
  }

  @Test
  void anEvenNumberOfSamplesTakesTheMeanOfTheMiddleTwo() {
    BenchOptions options = options("--repeat", "2", "--doubling");
    List<Measurement> all = List.of(
        run("full-10m", 150, 140, 0), run("duckdb-10m", 20, 19, 0),
        run("full-10m-r2", 130, 120, 0), run("duckdb-10m-r2", 22, 21, 0),
        run("history-1x", 160, 150, 0), run("nightly-1x", 70, 65, 0), run("nightly-1x-r2", 80, 75, 0),
        run("history-2x", 250, 240, 0), run("nightly-2x", 71, 66, 0), run("nightly-2x-r2", 83, 78, 0));

    List<Target> targets = Analysis.targets(all, options);
    // (70 + 80) / 2 = 75 over (150 + 130) / 2 = 140: 0.536, above 0.5.
    assertThat(target(targets, "nightly / full").measured()).startsWith("0.54");
    assertThat(target(targets, "nightly / full").result()).isEqualTo(Target.FAIL);
    // (71 + 83) / 2 = 77 over 75: 1.03.
    assertThat(target(targets, "doubling").measured()).startsWith("1.03");
    assertThat(target(targets, "doubling").result()).isEqualTo(Target.PASS);
  }

  @Test
  void aFailedSampleFailsItsTargets() {
    BenchOptions options = options("--repeat", "3");
    List<Measurement> all = List.of(
        run("full-10m", 150, 140, 0), run("duckdb-10m", 20, 19, 0),
        run("full-10m-r2", 30, 25, 1), run("duckdb-10m-r2", 20, 19, 0),
        run("full-10m-r3", 150, 140, 0), run("duckdb-10m-r3", 20, 19, 0),
        run("history-1x", 160, 150, 0), run("nightly-1x", 70, 65, 0), run("nightly-1x-r2", 70, 65, 0),
        run("nightly-1x-r3", 70, 65, 0));

    List<Target> targets = Analysis.targets(all, options);
    assertThat(target(targets, "full pipeline at 10M").result()).isEqualTo(Target.FAIL + " (a run failed)");
    assertThat(target(targets, "nightly / full").result()).isEqualTo(Target.FAIL + " (a run failed)");
    assertThat(target(targets, "10M run succeeds").result()).isEqualTo(Target.FAIL);
    assertThat(target(targets, "10M run succeeds").measured()).isEqualTo("FAILED (3 runs) with -Xmx2g");
    // The round with the failed run has no ratio; the others keep theirs.
    assertThat(Analysis.ratios(all, options).get(0).rounds()).containsExactly(7.5, Double.NaN, 7.5);
  }

  @Test
  void oneSampleByDefaultAndTheCountIsChecked() {
    assertThat(options().repeat()).isEqualTo(1);
    assertThat(options("--repeat", "9").repeat()).isEqualTo(9);
    for (String bad : List.of("0", "10", "three")) {
      assertThatThrownBy(() -> options("--repeat", bad))
          .isInstanceOf(SegmentsException.class)
          .hasMessage("Invalid --repeat: '" + bad + "' (expected a whole number from 1 to 9)");
    }
    assertThat(BenchOptions.sampleId("nightly-1x", 1)).isEqualTo("nightly-1x");
    assertThat(BenchOptions.sampleId("nightly-1x", 3)).isEqualTo("nightly-1x-r3");
  }

  @Test
  void eachNightStartsFromACopyOfTheHistoryWarehouse() throws IOException {
    Path warehouse = tmp.resolve("warehouse");
    Files.createDirectories(warehouse.resolve("runs/_delta_log"));
    Files.writeString(warehouse.resolve("runs/_delta_log/00000000000000000000.json"), "{\"commitInfo\":{}}\n");
    Files.writeString(warehouse.resolve("runs/part-0.parquet"), "bytes", StandardCharsets.UTF_8);
    Files.createDirectories(warehouse.resolve("empty"));
    Path copy = tmp.resolve("copy");

    Folders.copyTree(warehouse, copy);
    // A night adds a commit to the warehouse; the copy keeps the history's state.
    Files.writeString(warehouse.resolve("runs/_delta_log/00000000000000000001.json"), "{}\n");

    assertThat(Files.readString(copy.resolve("runs/_delta_log/00000000000000000000.json")))
        .isEqualTo("{\"commitInfo\":{}}\n");
    assertThat(Files.readString(copy.resolve("runs/part-0.parquet"))).isEqualTo("bytes");
    assertThat(copy.resolve("empty")).isDirectory();
    assertThat(copy.resolve("runs/_delta_log/00000000000000000001.json")).doesNotExist();
  }
}
