package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the job the way users do, {@code jobs/segments run}, each run in its own JVM with the heap
 * in SEGMENTS_JAVA_OPTS, and reads back what it reported: its own elapsed time, its stage lines,
 * its GC log and its runs table.
 */
final class JobRunner {
  private static final Pattern SUMMARY = Pattern.compile("^segments: (\\S+) as of (\\S+) (\\S+) in ([\\d.]+) s$");
  private static final Pattern STAGE = Pattern.compile("\\bsegments: (\\S+) done in ([\\d.]+) s \\(run at ");
  private static final Pattern GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern STAGE_MS = Pattern.compile("\"([^\"]+)\":(\\d+)");
  private static final String REBUILD = "segments: building target/segments.jar";
  private static final String RUNS_QUERY =
      "SELECT run_id, status, CAST(as_of AS STRING) AS as_of, mode, input_rows, clean_rows, duplicate_rows,"
          + " quarantined_rows, customers_scored, customers_returns_only, to_json(stage_ms) AS stage_ms"
          + " FROM runs ORDER BY started_at";

  private final Path launcher;
  private final String heap;
  private final Path logs;
  private final Path scratch;

  /**
   * One measured run.
   *
   * @param jobSeconds the run's own elapsed time, from its summary line: the JVM's start excluded, the
   *     Spark session's included
   * @param heapPeakBytes the largest heap occupancy the GC log shows (before a collection), 0 if none
   * @param loggedStages seconds of the stages the job logged on stderr, in its order
   * @param rebuilt the launcher rebuilt the jar inside the measurement (its time is then not the job's)
   */
  record JobRun(
      ChildProcess.Result child, double jobSeconds, long heapPeakBytes, Map<String, Double> loggedStages, boolean rebuilt) {}

  /** One row of the job's runs table. */
  record RunRow(
      String runId, String status, String asOf, String mode, long input, long clean, long duplicates,
      long quarantined, long customersScored, long returnsOnly, Map<String, Long> stageMs) {}

  /** @param scratch where each child gets its temporary folder (Spark's spill and shuffle files) */
  JobRunner(Path root, String heap, Path logs, Path scratch) {
    this.launcher = root.resolve("jobs").resolve("segments");
    this.heap = heap;
    this.logs = logs;
    this.scratch = scratch;
  }

  JobRun run(String name, Path config, Path warehouse, LocalDate asOf) throws IOException, InterruptedException {
    Path gcLog = logs.resolve(name + ".gc.log");
    List<String> command =
        List.of(launcher.toString(), "run", "--config", config.toString(), "--warehouse", warehouse.toString(),
            "--as-of", asOf.toString());
    ChildProcess.Result child = ChildProcess.run(command, Map.of("SEGMENTS_JAVA_OPTS", javaOpts(name, gcLog)), logs, name);
    String stdout = Files.readString(child.stdout(), StandardCharsets.UTF_8);
    String stderr = Files.readString(child.stderr(), StandardCharsets.UTF_8);
    double jobSeconds = Double.NaN;
    for (String line : stdout.split("\n")) {
      Matcher m = SUMMARY.matcher(line.trim());
      if (m.matches()) {
        jobSeconds = Double.parseDouble(m.group(4));
      }
    }
    Map<String, Double> stages = new LinkedHashMap<>();
    for (String line : stderr.split("\n")) {
      Matcher m = STAGE.matcher(line);
      if (m.find()) {
        stages.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return new JobRun(child, jobSeconds, heapPeak(gcLog), stages, stderr.contains(REBUILD));
  }

  /**
   * {@link SparkBaseline} through the same launcher, so with the job's JVM flags and heap. Its
   * in-program time is the session's start plus the work, as the job's summary line counts it.
   */
  Baseline baseline(String name, Path csv, LocalDate asOf, Path out) throws IOException, InterruptedException {
    Path gcLog = logs.resolve(name + ".gc.log");
    List<String> command = List.of(launcher.toString(), csv.toString(), asOf.toString(), Folders.fresh(out).toString());
    ChildProcess.Result child =
        ChildProcess.run(
            command,
            Map.of("SEGMENTS_JAVA_OPTS", javaOpts(name, gcLog), "SEGMENTS_MAIN", SparkBaseline.class.getName()),
            logs,
            name);
    Map<String, String> values = child.values();
    return new Baseline(child, values, heapPeak(gcLog));
  }

  /** A {@link SparkBaseline} run and the {@code key=value} lines it printed. */
  record Baseline(ChildProcess.Result child, Map<String, String> values, long heapPeakBytes) {
    double seconds(String key) {
      String v = values.get(key);
      return v == null ? Double.NaN : Double.parseDouble(v);
    }

    long count(String key) {
      String v = values.get(key);
      return v == null ? -1 : Long.parseLong(v);
    }
  }

  /** The warehouse's runs, read with {@code segments sql} (not measured). */
  List<RunRow> runs(String name, Path warehouse) throws IOException, InterruptedException {
    List<String> command =
        List.of(launcher.toString(), "sql", "--warehouse", warehouse.toString(), "--format", "csv", RUNS_QUERY);
    ChildProcess.Result child = ChildProcess.run(command, Map.of("SEGMENTS_JAVA_OPTS", javaOpts(name, null)), logs, name);
    List<RunRow> rows = new ArrayList<>();
    if (!child.ok()) {
      return rows;
    }
    List<String> lines = Files.readAllLines(child.stdout(), StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      List<String> f = CsvFields.split(line);
      Map<String, Long> stageMs = new LinkedHashMap<>();
      Matcher m = STAGE_MS.matcher(f.get(10));
      while (m.find()) {
        stageMs.put(m.group(1), Long.parseLong(m.group(2)));
      }
      rows.add(
          new RunRow(f.get(0), f.get(1), f.get(2), f.get(3), count(f.get(4)), count(f.get(5)), count(f.get(6)),
              count(f.get(7)), count(f.get(8)), count(f.get(9)), stageMs));
    }
    return rows;
  }

  /**
   * The heap flag, a GC log, and a temporary folder in the work folder, so that Spark's spill of a
   * 100M-row run lands on the disk chosen for the benchmark rather than in /tmp. Paths with spaces
   * are left out: jobs/segments splits the variable on them.
   */
  private String javaOpts(String name, Path gcLog) throws IOException {
    StringBuilder opts = new StringBuilder("-Xmx").append(heap);
    if (gcLog != null && gcLog.toString().matches("\\S+")) {
      opts.append(" -Xlog:gc:file=").append(gcLog);
    }
    Path tmp = scratch.resolve("tmp").resolve(name);
    if (tmp.toString().matches("\\S+")) {
      opts.append(" -Djava.io.tmpdir=").append(Folders.fresh(tmp));
    }
    return opts.toString();
  }

  private static long heapPeak(Path gcLog) throws IOException {
    if (!Files.isRegularFile(gcLog)) {
      return 0;
    }
    long peak = 0;
    for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, bytes(m.group(1), m.group(2)));
      }
    }
    return peak;
  }

  private static long bytes(String number, String unit) {
    int shift = switch (unit) {
      case "K" -> 10;
      case "M" -> 20;
      default -> 30;
    };
    return Long.parseLong(number) << shift;
  }

  private static long count(String text) {
    return text == null || text.isEmpty() ? -1 : Long.parseLong(text);
  }
}
