package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TableDump;
import dev.segments.TestSpark;
import dev.segments.demo.SampleGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same data and config give the same tables, whatever the row order, file split or shuffle partitions. */
class DeterminismTest {
  @TempDir Path dir;

  private static String config(Path input) {
    return String.join(
        "\n",
        "input:",
        "  path: " + input,
        "  format: csv",
        "columns:",
        "  customer-id: customer_id",
        "  order-id: invoice_no",
        "  timestamp: invoice_date",
        "  timestamp-format: yyyy-MM-dd HH:mm:ss",
        "  quantity: quantity",
        "  unit-price: unit_price",
        "clean:",
        "  max-reject-rate: 0.05",
        "kmeans:",
        "  k-min: 2",
        "  k-max: 3",
        "run:",
        "  as-of: 2024-12-31",
        "output:",
        "  report: false",
        "");
  }

  private List<String> run(Path input, int shufflePartitions, String name) throws IOException {
    Path cfg = Files.writeString(dir.resolve(name + ".yaml"), config(input));
    Path warehouse = dir.resolve(name);
    String before = TestSpark.spark().conf().get("spark.sql.shuffle.partitions");
    TestSpark.spark().conf().set("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
    try {
      CliRun result = CliRun.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString());
      assertThat(result.exitCode()).as(result.err()).isZero();
    } finally {
      TestSpark.spark().conf().set("spark.sql.shuffle.partitions", before);
    }
    List<String> rows = new ArrayList<>();
    for (String table : List.of("customer_features", "customer_segments", "segment_summary", "segment_comparison", "cluster_profiles", "kmeans_selection", "pareto_curve", "score_thresholds")) {
      rows.addAll(TableDump.rows(warehouse, table));
    }
    Collections.sort(rows);
    return rows;
  }

  @Test
  void orderSplitAndShufflePartitionsDoNotChangeTheTables() throws IOException {
    Path original = dir.resolve("in").resolve("all.csv");
    Files.createDirectories(original.getParent());
    SampleGenerator.generate(
        original, new SampleGenerator.Options(6_000, 300, 11, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31)));
    List<String> lines = Files.readAllLines(original);
    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
    Collections.shuffle(body, new Random(1));
    Path split = Files.createDirectories(dir.resolve("split"));
    int parts = 3;
    for (int p = 0; p < parts; p++) {
      List<String> part = new ArrayList<>();
      part.add(lines.get(0));
      for (int i = p; i < body.size(); i += parts) {
        part.add(body.get(i));
      }
      Files.write(split.resolve("part-" + p + ".csv"), part);
    }
    Path shuffled = dir.resolve("shuffled.csv");
    List<String> whole = new ArrayList<>();
    whole.add(lines.get(0));
    whole.addAll(body);
    Files.write(shuffled, whole);

    List<String> reference = run(original, 1, "one");
    assertThat(reference).anyMatch(s -> s.startsWith("customer_segments:"));
    assertThat(run(shuffled, 4, "four")).isEqualTo(reference);
    assertThat(run(split, 8, "eight")).isEqualTo(reference);
  }
}
