package dev.segments.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.SmallJob;
import dev.segments.TableDump;
import dev.segments.TestSpark;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.report.HeadlessChromium;
import dev.segments.report.ReportCharts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly operation on small hand-made deliveries: reruns, --force, other dates, the lock, failed
 * runs, incremental batches (re-delivered, empty, late) against a full recompute, and forget.
 */
class NightlyRunsTest {
  static final String HEADER = SmallJob.HEADER;

  static final String DAY1 = SmallJob.DAY1;
  static final String DAY2 = SmallJob.DAY2;
  /** A line of day 1 delivered late, and a new order of c2 the same day. */
  static final String LATE =
      String.join(
          "\n",
          HEADER,
          "8,D,1,2024-03-01 18:00,2.50,c2",
          "9,A,1,2024-03-04 08:00,9.00,c2",
          "");

  @TempDir Path dir;

  private Path config(Path input, String mode, String... extra) throws IOException {
    return Files.writeString(dir.resolve(mode + "-" + input.getFileName() + ".yaml"), SmallJob.yaml(input, mode, extra));
  }

  private static CliRun run(Path cfg, Path warehouse, String asOf, String... flags) {
    List<String> args = new ArrayList<>(List.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString()));
    if (asOf != null) {
      args.addAll(List.of("--as-of", asOf));
    }
    args.addAll(List.of(flags));
    CliRun result = CliRun.of(args.toArray(String[]::new));
    return result;
  }

  private static CliRun ok(CliRun result) {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result;
  }

  static Map<String, Long> versions(Path warehouse) {
    Warehouse w = new Warehouse(TestSpark.spark(), warehouse.toString());
    Map<String, Long> out = new TreeMap<>();
    for (String table : w.tables()) {
      out.put(table, w.version(table));
    }
    return out;
  }

  private static List<Row> runs(Path warehouse) {
    return TestSpark.spark()
        .read()
        .format("delta")
        .load(warehouse.resolve(Tables.RUNS).toString())
        .orderBy(col("started_at"))
        .collectAsList();
  }

  private static long count(Path warehouse, String table, String where) {
    return TestSpark.spark().read().format("delta").load(warehouse.resolve(table).toString()).where(where).count();
  }

  private Path folder(String name, String... files) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(folder.resolve(files[i]), files[i + 1]);
    }
    return folder;
  }

  /**
   * Full mode, one warehouse through a series of nights: a busy lock, a stale lock, a rerun that is
   * a no-op, --force of an earlier date, transitions, time travel and a failing run.
   */
  @Test
  void fullModeReruns() throws Exception {
    Path input = folder("in", "day1.csv", DAY1, "day2.csv", DAY2);
    Path cfg = config(input, "full");
    Path wh = dir.resolve("wh");
    ok(run(cfg, wh, "2024-03-01"));

    // A second writer: the lock is held by a live process, so the run exits 75 and writes nothing.
    Path lock = wh.resolve("_segments.lock");
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Map<String, Long> untouched = versions(wh);
    Process holder = new ProcessBuilder("sleep", "120").start();
    try {
      Files.writeString(lock, host + " " + holder.pid() + " 2024-03-02T00:00:00Z run other\n");
      CliRun busy = run(cfg, wh, "2024-03-02");
      assertThat(busy.exitCode()).isEqualTo(75);
      assertThat(busy.err()).startsWith("segments: Another run is writing to").contains(String.valueOf(holder.pid()));
      assertThat(versions(wh)).isEqualTo(untouched);
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // Its process is gone now, as after kill -9: the lock is stale and the next run takes it over.
    assertThat(lock).exists();
    ok(run(cfg, wh, "2024-03-02"));
    assertThat(lock).doesNotExist();

    Map<String, Long> before = versions(wh);
    List<String> published = TableDump.rows(wh, Tables.CUSTOMER_SEGMENTS);
    CliRun again = ok(run(cfg, wh, "2024-03-02"));
    assertThat(again.out()).contains("skipped").contains("already published");
    Map<String, Long> after = versions(wh);
    for (String table : before.keySet()) {
      if (!table.equals(Tables.RUNS)) {
        assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
      }
    }
    assertThat(after.get(Tables.RUNS)).isEqualTo(before.get(Tables.RUNS) + 1);
    assertThat(runs(wh).get(2).<String>getAs("status")).isEqualTo("skipped");

    // --force recomputes 2024-03-01 only: the other date keeps its rows and its run id.
    String march2Run = publishedRun(wh, "2024-03-02");
    ok(run(cfg, wh, "2024-03-01", "--force"));
    assertThat(versions(wh).get(Tables.CUSTOMER_SEGMENTS)).isGreaterThan(before.get(Tables.CUSTOMER_SEGMENTS));
    assertThat(publishedRun(wh, "2024-03-02")).isEqualTo(march2Run);
    assertThat(count(wh, Tables.CUSTOMER_SEGMENTS, "as_of = '2024-03-02' and run_id = '" + march2Run + "'"))
        .isEqualTo(4);
    // One slice per date remains: the superseded run's rows of 2024-03-01 were removed.
    assertThat(count(wh, Tables.CUSTOMER_SEGMENTS, "as_of = '2024-03-01'")).isEqualTo(3);
    assertThat(TableDump.rows(wh, Tables.CUSTOMER_SEGMENTS)).isEqualTo(published);
    assertThat(runs(wh)).extracting(r -> r.<String>getAs("status"))
        .containsExactly("succeeded", "succeeded", "skipped", "succeeded");

    // segment_transitions: every customer of either date moves exactly once per family.
    List<Row> moves =
        TestSpark.spark().read().format("delta").load(wh.resolve(Tables.SEGMENT_TRANSITIONS).toString())
            .where("as_of = '2024-03-02' and family = 'rfm_segment'").collectAsList();
    assertThat(moves.stream().mapToLong(r -> r.<Long>getAs("customers")).sum()).isEqualTo(4);
    assertThat(moves.stream().filter(r -> r.<String>getAs("from_label").equals("(new)"))
        .mapToLong(r -> r.<Long>getAs("customers")).sum()).isEqualTo(1);
    assertThat(moves).allMatch(r -> String.valueOf((Object) r.getAs("previous_as_of")).equals("2024-03-01"));
    // The report of the second date draws them: each transition chart counts every customer once.
    CliRun report = ok(CliRun.of("report", "--warehouse", wh.toString(), "--as-of", "2024-03-02"));
    Path html = Path.of(report.out().strip().substring("segments: report ".length()));
    com.fasterxml.jackson.databind.JsonNode charts = ReportCharts.of(html);
    for (String family : List.of("rfm_segment", "value_tier", "cluster_name")) {
      assertThat(ReportCharts.heatmapTotal(charts.get("transitions-" + family))).as(family).isEqualTo(4);
    }
    HeadlessChromium.Page page = HeadlessChromium.open(html, Path.of("target", "report-screenshots", "transitions.png"));
    assertThat(page.errors()).as(page.dom()).isZero();
    assertThat(page.rendered()).isEqualTo(page.charts()).isGreaterThanOrEqualTo(3);

    // Time travel through the sql command: the version the first run recorded is the first date alone.
    long firstVersion =
        runs(wh).get(0).<String, Long>getJavaMap(runs(wh).get(0).fieldIndex("table_versions")).get(Tables.CUSTOMER_SEGMENTS);
    CliRun sql =
        CliRun.of("sql", "--warehouse", wh.toString(), "--format", "csv",
            "SELECT as_of, count(*) AS n FROM customer_segments VERSION AS OF " + firstVersion + " GROUP BY as_of");
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    assertThat(sql.out().strip().split("\n")).containsExactly("as_of,n", "2024-03-01,3");

    // A delivery of rows without a customer moves the quarantined share from 1 in 8 to 4 in 11: with
    // the guard set to fail, the run fails before writing, is recorded, and the tables stay as published.
    Files.writeString(
        input.resolve("bad.csv"),
        String.join("\n", HEADER, "10,A,1,2024-03-02 10:00,1.00,", "11,A,1,2024-03-02 10:00,2.00,",
            "12,A,1,2024-03-02 10:00,3.00,", ""));
    Path strict = config(input, "full", "guard:", "  on-breach: fail");
    Map<String, Long> beforeFailure = versions(wh);
    CliRun failed = run(strict, wh, "2024-03-02");
    assertThat(failed.exitCode()).isEqualTo(65);
    assertThat(failed.err())
        .contains("Data-quality guard: quarantined share 36.36% against 12.50% on 2024-03-01");
    Row last = runs(wh).get(4);
    assertThat(last.<String>getAs("status")).isEqualTo("failed");
    assertThat(last.<String>getAs("message")).contains("guard.max-quarantine-share-change");
    assertThat(TableDump.rows(wh, Tables.CUSTOMER_SEGMENTS)).isEqualTo(published);
    beforeFailure.remove(Tables.RUNS);
    assertThat(versions(wh)).containsAllEntriesOf(beforeFailure);
  }

  private static String publishedRun(Path wh, String asOf) {
    return runs(wh).stream()
        .filter(r -> "succeeded".equals(r.getAs("status")) && asOf.equals(String.valueOf((Object) r.getAs("as_of"))))
        .reduce((a, b) -> b)
        .map(r -> r.<String>getAs("run_id"))
        .orElseThrow();
  }

  @Test
  void incrementalBatchesEqualAFullRecomputeAndForget() throws IOException {
    Path input = folder("drop", "day1.csv", DAY1);
    // Quarantined raw rows are kept 2 days before the date run, then deleted. The runs write reports.
    Path cfg =
        Files.writeString(
            dir.resolve("incremental-retention.yaml"),
            SmallJob.yaml(input, "incremental").replace("  report: false\n", "  report: true\n  quarantine-retention-days: 2\n"));
    Path wh = dir.resolve("incremental");
    ok(run(cfg, wh, "2024-03-01"));
    Files.writeString(input.resolve("day2.csv"), DAY2);
    CliRun second = ok(run(cfg, wh, "2024-03-02"));
    assertThat(second.out()).contains("4 input = 3 clean + 0 duplicates + 1 quarantined");
    // The night's clusters come from the model of 03-01, and the summary says so.
    assertThat(second.out())
        .contains("k-means     kmeans k=2, silhouette ")
        .contains("(assigned with the model fitted as of 2024-03-01)")
        .doesNotContain("(tried )");
    // The night's report, made from the rows the run wrote, is the page `segments report` makes from
    // the tables: transitions from the stored first date, a quarantined row, clusters of a stored model.
    Path page = wh.resolve("_reports").resolve("segments-2024-03-02.html");
    String fromRun = Files.readString(page);
    com.fasterxml.jackson.databind.JsonNode charts = ReportCharts.of(page);
    assertThat(ReportCharts.heatmapTotal(charts.get("transitions-rfm_segment"))).isEqualTo(4);
    assertThat(fromRun).contains("quarantined: missing_customer");
    Files.delete(page);
    ok(CliRun.of("report", "--warehouse", wh.toString(), "--as-of", "2024-03-02"));
    assertThat(Files.readString(page).equals(fromRun)).as("the run's report equals the tables' report").isTrue();

    // One night brings an empty delivery and day 2 re-delivered under another name: a normal
    // successful day that adds no line.
    Files.writeString(input.resolve("day3.csv"), HEADER + "\n");
    Files.writeString(input.resolve("day2-resent.csv"), DAY2);
    long linesBefore = count(wh, Tables.TRANSACTIONS, "true");
    ok(run(cfg, wh, "2024-03-03"));
    assertThat(count(wh, Tables.TRANSACTIONS, "true")).isEqualTo(linesBefore);
    Row night = runs(wh).get(runs(wh).size() - 1);
    assertThat(night.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(night.<Long>getAs("batches_added")).isEqualTo(1);
    assertThat(night.<Long>getAs("batches_skipped")).isEqualTo(3);
    assertThat(night.<Long>getAs("input_rows")).isZero();
    assertThat(count(wh, Tables.CUSTOMER_SEGMENTS, "as_of = '2024-03-03'")).isEqualTo(4);

    // Day 2's line without a customer is still within the retention on 2024-03-03 (cut-off 03-01).
    assertThat(count(wh, Tables.QUARANTINE, "as_of = '2024-03-02'")).isEqualTo(1);

    // A late line for an earlier day, and a new order.
    Files.writeString(input.resolve("day5.csv"), LATE);
    ok(run(cfg, wh, "2024-03-05"));
    assertThat(count(wh, Tables.QUARANTINE, "true")).as("expired before 2024-03-03").isZero();
    assertThat(count(wh, Tables.TRANSACTIONS, "true")).isEqualTo(linesBefore + 2);
    // Rerunning a date without new batches is a no-op.
    Map<String, Long> before = versions(wh);
    assertThat(ok(run(cfg, wh, "2024-03-05")).out()).contains("skipped");
    before.remove(Tables.RUNS);
    assertThat(versions(wh)).containsAllEntriesOf(before);

    Path full = dir.resolve("full");
    ok(run(config(input, "full"), full, "2024-03-05"));
    for (String table : List.of(Tables.CUSTOMER_FEATURES, Tables.SCORE_THRESHOLDS, Tables.PARETO_CURVE, Tables.CUSTOMER_CLV)) {
      assertThat(latest(wh, table, "2024-03-05")).as(table).isEqualTo(latest(full, table, "2024-03-05"));
    }
    assertThat(segmentsWithoutClusters(wh)).isEqualTo(segmentsWithoutClusters(full));
    assertThat(count(wh, Tables.CUSTOMER_FEATURES, "as_of = '2024-03-05' and customer_id = 'c2' and frequency = 3"))
        .isEqualTo(1);

    // forget removes a customer from every table of the warehouse, and records it without the id.
    assertThat(tablesMentioning(wh, "c1").get("c1"))
        .contains(Tables.TRANSACTIONS, Tables.CUSTOMER_FEATURES, Tables.CUSTOMER_SEGMENTS, Tables.STATE_CUSTOMERS,
            Tables.STATE_DAYS, Tables.STATE_CLV, Tables.CUSTOMER_CLV);
    CliRun forget = CliRun.of("forget", "--warehouse", wh.toString(), "--customer", "c1");
    assertThat(forget.exitCode()).as(forget.err()).isZero();
    Map<String, List<String>> after = tablesMentioning(wh, "c1", "c4");
    assertThat(after.get("c1")).isEmpty();
    assertThat(after.get("c4")).contains(Tables.CUSTOMER_SEGMENTS);
    Row record = runs(wh).get(runs(wh).size() - 1);
    assertThat(record.<String>getAs("status")).isEqualTo("forgotten");
    assertThat(record.<String>getAs("message")).startsWith("customer sha256:").doesNotContain("c1 ");
  }

  private static List<String> latest(Path wh, String table, String asOf) {
    return TableDump.rowsWhere(wh, table, "as_of = '" + asOf + "'");
  }

  private static List<String> segmentsWithoutClusters(Path wh) {
    return TableDump.rowsWhere(wh, Tables.CUSTOMER_SEGMENTS, "as_of = '2024-03-05'", "cluster_id", "cluster_name");
  }

  /** Per id, the tables whose current version holds it anywhere in a row, raw quarantined rows included. */
  private static Map<String, List<String>> tablesMentioning(Path wh, String... ids) {
    Map<String, List<String>> found = new TreeMap<>();
    for (String id : ids) {
      found.put(id, new ArrayList<>());
    }
    for (String table : new Warehouse(TestSpark.spark(), wh.toString()).tables()) {
      List<String> rows = TableDump.rows(wh, table);
      for (String id : ids) {
        if (rows.stream().anyMatch(r -> r.contains("|" + id + "|") || r.contains(":" + id + "|") || r.contains("," + id + "\"") || r.contains("," + id + ","))) {
          found.get(id).add(table);
        }
      }
    }
    return found;
  }
}
