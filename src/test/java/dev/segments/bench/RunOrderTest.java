package dev.segments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timed runs of a size in the order a ratio needs: every sample of the night comes between
 * samples of the full run it is divided by, so a slow spell of the machine falls on both.
 */
class RunOrderTest {
  @TempDir Path tmp;

  private List<String> order(long rows, String... args) {
    List<String> all = new ArrayList<>(List.of("--work", tmp.toString()));
    all.addAll(List.of(args));
    BenchOptions options = BenchOptions.parse(all, tmp, "20261205-000000");
    List<String> names = new ArrayList<>();
    for (RunOrder.Step step : RunOrder.of(rows, options)) {
      names.add(step.kind() + (step.tag() == null ? "" : " " + step.tag()) + " " + step.sample());
    }
    return names;
  }

  @Test
  void theNightlySizeLoadsItsHistoriesFirstThenRunsRoundsOfFullAndNights() {
    assertThat(order(10_000_000, "--sizes", "1m,10m", "--doubling", "--repeat", "3"))
        .containsExactly(
            "HISTORY 1x 1", "HISTORY 2x 1",
            "FULL 1", "NIGHT 1x 1", "NIGHT 2x 1",
            "FULL 2", "NIGHT 1x 2", "NIGHT 2x 2",
            "FULL 3", "NIGHT 1x 3", "NIGHT 2x 3");
  }

  @Test
  void anotherSizeRunsOnlyItsFullRunsAndOneSampleIsOneRound() {
    assertThat(order(1_000_000, "--sizes", "1m,10m", "--repeat", "2")).containsExactly("FULL 1", "FULL 2");
    assertThat(order(10_000_000, "--sizes", "1m,10m")).containsExactly("HISTORY 1x 1", "FULL 1", "NIGHT 1x 1");
    // Above 10M only, the smallest size carries the nights.
    assertThat(order(100_000_000, "--sizes", "100m")).containsExactly("HISTORY 1x 1", "FULL 1", "NIGHT 1x 1");
  }
}
