package dev.segments.cli;

import static dev.segments.cli.NightlyRunsTest.DAY1;
import static dev.segments.cli.NightlyRunsTest.DAY2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.SmallJob;
import dev.segments.TableDump;
import dev.segments.TestFiles;
import dev.segments.TestSpark;
import dev.segments.io.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly incremental run killed (Runtime.halt, as kill -9 stops a JVM: no cleanup, the lock
 * left behind) at named points of its second date. The published state must not change, and the
 * next run must take over the stale lock, repair the warehouse and end with tables equal to those
 * of runs that were never interrupted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {
  @TempDir static Path dir;
  Path firstDay;
  Path reference;
  /** The config of the second date, whose input holds both days' files. */
  Path secondDay;

  private Path config(Path input) throws IOException {
    return Files.writeString(dir.resolve("job-" + input.getFileName() + ".yaml"), SmallJob.yaml(input, "incremental"));
  }

  private Path input(String name, boolean withDay2) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve("day1.csv"), DAY1);
    if (withDay2) {
      Files.writeString(folder.resolve("day2.csv"), DAY2);
    }
    return folder;
  }

  @BeforeAll
  void publishFirstDayAndAReference() throws IOException {
    Path in1 = input("in1", false);
    firstDay = dir.resolve("first-day");
    run(config(in1), firstDay, "2024-03-01");
    reference = TestFiles.copyTree(firstDay, dir.resolve("reference"));
    secondDay = config(input("in2", true));
    run(secondDay, reference, "2024-03-02");
  }

  private static void run(Path cfg, Path warehouse, String asOf) {
    CliRun r = CliRun.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString(), "--as-of", asOf);
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /**
   * The last table write of the run, state_customer_clv, starts only when a writer thread is free,
   * so when the kill comes during it the run has also committed other tables: one kill is both
   * "during a table write" and "between two table writes", which the test checks before repairing.
   */
  @Test
  void aKilledRunChangesNothingPublishedAndTheNextRunRepairs() throws Exception {
    String point = "during-write:" + Tables.STATE_CLV;
    Path warehouse = TestFiles.copyTree(firstDay, dir.resolve("crashed"));
    List<String> publishedBefore = published(warehouse);
    Path cfg = secondDay;

    ChildJvm killed =
        ChildJvm.run(
            List.of("-Dsegments.crash-at=" + point),
            "run", "--config", cfg.toString(), "--warehouse", warehouse.toString(), "--as-of", "2024-03-02");
    assertThat(killed.exitCode()).as(killed.err()).isEqualTo(137);
    assertThat(killed.err()).contains("crash point " + point + " reached");
    assertThat(warehouse.resolve("_segments.lock")).as("the killed run's lock is left behind").exists();
    assertThat(published(warehouse)).isEqualTo(publishedBefore);
    assertThat(unpublishedRows(warehouse)).as("tables the killed run committed before the kill").isPositive();

    run(cfg, warehouse, "2024-03-02");
    for (String table : Tables.ALL) {
      if (!table.equals(Tables.RUNS)) {
        assertThat(TableDump.rows(warehouse, table)).as(table).isEqualTo(TableDump.rows(reference, table));
      }
    }
  }

  /** Rows of per-date tables under a run id that runs does not record as succeeded. */
  private static long unpublishedRows(Path warehouse) {
    var spark = TestSpark.spark();
    var runs = spark.read().format("delta").load(warehouse.resolve(Tables.RUNS).toString()).where("status = 'succeeded'");
    long rows = 0;
    for (String table : Tables.PER_DATE) {
      if (Files.isDirectory(warehouse.resolve(table).resolve("_delta_log"))) {
        rows +=
            spark.read().format("delta").load(warehouse.resolve(table).toString())
                .join(runs.select("run_id"), scala.jdk.javaapi.CollectionConverters.asScala(List.of("run_id")).toSeq(), "left_anti")
                .count();
      }
    }
    return rows;
  }

  /** What readers see: rows of per-date tables whose run is published, and the cumulative tables at their trusted versions. */
  private static List<String> published(Path warehouse) {
    var spark = TestSpark.spark();
    var runs = spark.read().format("delta").load(warehouse.resolve(Tables.RUNS).toString()).where("status = 'succeeded'");
    List<String> out = new ArrayList<>();
    for (String table : Tables.PER_DATE) {
      var rows = spark.read().format("delta").load(warehouse.resolve(table).toString());
      for (var r : rows.join(runs.select("as_of", "run_id"), scala.jdk.javaapi.CollectionConverters.asScala(List.of("as_of", "run_id")).toSeq(), "left_semi")
          .drop("run_id").collectAsList()) {
        out.add(table + ":" + TableDump.canonical(r));
      }
    }
    out.sort(String::compareTo);
    return out;
  }
}
