package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The benchmark's output: report.md for people, report.csv, targets.csv and checks.csv for tools. */
final class Report {
  private final String title;
  private final String command;
  private final BenchOptions options;
  private final Machine machine;
  private final List<String> dataNotes = new ArrayList<>();
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<Check> checks = new ArrayList<>();
  private String duckdbVersion = "unknown";

  Report(String title, String command, BenchOptions options, Machine machine) {
    this.title = title;
    this.command = command;
    this.options = options;
    this.machine = machine;
  }

  void note(String line) {
    dataNotes.add(line);
  }

  void add(Measurement m) {
    measurements.add(m);
  }

  void add(Check c) {
    checks.add(c);
  }

  void duckdbVersion(String version) {
    if (version != null) {
      duckdbVersion = version;
    }
  }

  List<Measurement> measurements() {
    return measurements;
  }

  /** Every measurement ran and every count matched (targets are reported, not enforced). */
  boolean complete() {
    return measurements.stream().allMatch(Measurement::ok) && checks.stream().allMatch(Check::pass);
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.csv"), measurementsCsv(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("targets.csv"), targetsCsv(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("checks.csv"), checksCsv(), StandardCharsets.UTF_8);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append("`").append(command).append("`\n\n");
    md.append("## Machine\n\n");
    table(md, List.of("cores", "memory", "CPU", "OS", "Java", "Spark", "Delta", "DuckDB"),
        List.of(List.of(Integer.toString(machine.cores()), Sizes.bytes(machine.memoryBytes()), machine.cpu(),
            machine.os(), machine.java(), machine.spark(), machine.delta(), duckdbVersion)));
    md.append("Each job run is `jobs/segments run` in its own JVM with `SEGMENTS_JAVA_OPTS=-Xmx")
        .append(options.heap())
        .append("` and the launcher's parallel garbage collector, local Spark on every core; DuckDB runs in its own JVM with ")
        .append("`memory_limit` ").append(options.heap())
        .append(" and every core (more memory only where it ran out; the data notes say so).\n\n");
    if (options.sparkBaseline()) {
      md.append("The Spark baseline (`spark-*`) is a plain Spark job doing DuckDB's work: the CSV read with a typed ")
          .append("schema, exact duplicates dropped, unusable rows filtered out, recency, frequency and monetary per ")
          .append("customer, quintile scores from approximate quantiles, written as Parquet; started by the same ")
          .append("launcher with the same heap and JVM flags as the job (docs/benchmark.md).\n\n");
    }
    md.append("## Data\n\n");
    dataNotes.forEach(n -> md.append("- ").append(n).append('\n'));
    md.append('\n');

    md.append("## Measurements\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Measurement m : measurements) {
      rows.add(List.of(m.id(), m.what(), count(m.rows()), seconds(m.seconds()), rate(m), Sizes.bytes(peak(m)),
          m.memoryLimit(), Sizes.bytes(m.heapPeakBytes()), seconds(m.innerSeconds()), load(m), m.status()));
    }
    table(md, List.of("measurement", "what", "rows", "wall s", "rows/s", "peak RSS", "memory given",
        "heap peak (GC log)", "in-program s", "load", "status"), rows);
    md.append("Wall time is the child process from start to exit (JVM and Spark start-up included); in-program ")
        .append("time is what the job's summary line reports (the Spark session's start included, the JVM's not), ")
        .append("or the sum of DuckDB's steps. Peak RSS is the ")
        .append("child's process tree, polled from /proc every 100 ms (and the JVM's own VmHWM); it includes ")
        .append("native memory (thread stacks, malloc arenas, metaspace), so it is well above the heap used. ")
        .append("Load is the machine's 1-minute load average during the run.\n\n");
    if (busy()) {
      md.append("**The machine was busy:** the load average exceeded 2 x its ").append(machine.cores())
          .append(" cores + 1 during some runs (other processes competed for the CPU), so those times are inflated ")
          .append("and ratios between them are noisy. Rerun on an idle machine for numbers to compare.\n\n");
    }

    md.append("## Ratios\n\n");
    if (options.repeat() > 1) {
      md.append("Each full run, DuckDB run and night ran ").append(options.repeat())
          .append(" times, in rounds: at the nightly size the history loads ran first (once each), then each round ran ")
          .append("the full pipeline, DuckDB and a night on each history (every night on a copy of the warehouse its ")
          .append("history load left); `-r2`, `-r3` ... name the later samples. A ratio divides the medians of the ")
          .append("samples, and the interleaving puts a slow or fast spell of the machine on samples of both sides of it.\n\n");
    }
    rows = new ArrayList<>();
    for (Analysis.Ratio r : Analysis.ratios(measurements, options)) {
      List<String> row = new ArrayList<>(List.of(r.name(), r.numerator() + " / " + r.denominator(), ratio(r.wall()), ratio(r.inner())));
      if (options.repeat() > 1) {
        row.add(r.rounds().isEmpty() ? "-" : String.join(", ", r.rounds().stream().map(Report::ratio).toList()));
      }
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("ratio", "measurements", "wall", "in-program"));
    if (options.repeat() > 1) {
      header.add("wall, round by round");
    }
    table(md, header, rows);

    md.append("## Targets\n\n");
    rows = new ArrayList<>();
    for (Target t : Analysis.targets(measurements, options)) {
      rows.add(List.of(t.name(), t.measured(), t.limit(), t.result()));
    }
    table(md, List.of("target", "measured", "limit", "result"), rows);

    md.append("## Row accounting\n\n");
    rows = new ArrayList<>();
    for (Check c : checks) {
      rows.add(List.of(c.subject(), c.quantity(), c.leftName(), count(c.left()), c.rightName(), count(c.right()), c.result()));
    }
    table(md, List.of("check", "quantity", "counted by", "value", "against", "value", "result"), rows);

    md.append("## Where the job's time goes\n\n");
    md.append("Seconds per stage of each job run, from its `runs.stage_ms` (the stderr stage lines where the ")
        .append("runs table could not be read). Stages are timed around Spark actions, so a stage also pays ")
        .append("for the lazy work its action triggers (e.g. `features` re-reads what `clean` counted).\n\n");
    stageTable(md, measurements.stream().filter(m -> !peer(m) && !baseline(m)).toList(), true);
    md.append("DuckDB's steps, for comparison:\n\n");
    stageTable(md, measurements.stream().filter(Report::peer).toList(), false);
    if (measurements.stream().anyMatch(Report::baseline)) {
      md.append("The Spark baseline's steps:\n\n");
      stageTable(md, measurements.stream().filter(Report::baseline).toList(), false);
    }
    md.append("Logs of every child (stdout, stderr with the job's stage lines, GC log) are in `logs/` beside ")
        .append("this report.\n");
    return md.toString();
  }

  private static boolean peer(Measurement m) {
    return m.id().startsWith("duckdb-");
  }

  private static boolean baseline(Measurement m) {
    return m.id().startsWith("spark-");
  }

  /** One column per run, one row per stage; for the job also the time outside its stages. */
  private void stageTable(StringBuilder md, List<Measurement> jobs, boolean outsideStages) {
    Set<String> names = new LinkedHashSet<>();
    jobs.forEach(m -> names.addAll(m.stages().keySet()));
    List<String> header = new ArrayList<>();
    header.add("stage");
    jobs.forEach(m -> header.add(m.id()));
    List<List<String>> rows = new ArrayList<>();
    for (String stage : names) {
      List<String> row = new ArrayList<>();
      row.add(stage);
      jobs.forEach(m -> row.add(m.stages().containsKey(stage) ? seconds(m.stages().get(stage)) : ""));
      rows.add(row);
    }
    if (outsideStages) {
      List<String> outside = new ArrayList<>();
      outside.add("outside stages (Spark session start, untimed work)");
      jobs.forEach(m -> outside.add(seconds(m.innerSeconds() - m.stages().values().stream().mapToDouble(Double::doubleValue).sum())));
      rows.add(outside);
    }
    List<String> startup = new ArrayList<>();
    startup.add("start-up and exit (wall - in-program)");
    jobs.forEach(m -> startup.add(seconds(m.seconds() - m.innerSeconds())));
    rows.add(startup);
    List<String> wall = new ArrayList<>();
    wall.add("**wall**");
    jobs.forEach(m -> wall.add(seconds(m.seconds())));
    rows.add(wall);
    table(md, header, rows);
  }

  private String measurementsCsv() {
    StringBuilder csv = new StringBuilder(
        "measurement,what,size,rows,wall_s,rows_per_s,peak_rss_bytes,child_peak_rss_bytes,memory_given,"
            + "heap_peak_bytes,in_program_s,load,exit_code,status,cores,memory_bytes\n");
    for (Measurement m : measurements) {
      csv.append(String.join(",", List.of(m.id(), quote(m.what()), m.size(), Long.toString(m.rows()),
          seconds(m.seconds()), rate(m).replace(",", ""), Long.toString(peak(m)),
          Long.toString(m.child() == null ? 0 : m.child().rootPeakRssBytes()), quote(m.memoryLimit()),
          Long.toString(m.heapPeakBytes()), seconds(m.innerSeconds()), load(m),
          m.child() == null ? "" : Integer.toString(m.child().exitCode()), quote(m.status()),
          Integer.toString(machine.cores()), Long.toString(machine.memoryBytes())))).append('\n');
    }
    csv.append("\nratio,numerator,denominator,wall,in_program\n");
    for (Analysis.Ratio r : Analysis.ratios(measurements, options)) {
      csv.append(String.join(",", quote(r.name()), r.numerator(), r.denominator(), ratio(r.wall()), ratio(r.inner())))
          .append('\n');
    }
    return csv.toString();
  }

  private String targetsCsv() {
    StringBuilder csv = new StringBuilder("target,measured,limit,result\n");
    for (Target t : Analysis.targets(measurements, options)) {
      csv.append(String.join(",", quote(t.name()), quote(t.measured()), quote(t.limit()), quote(t.result()))).append('\n');
    }
    return csv.toString();
  }

  private String checksCsv() {
    StringBuilder csv = new StringBuilder("check,quantity,counted_by,value,against,against_value,result\n");
    for (Check c : checks) {
      csv.append(String.join(",", quote(c.subject()), c.quantity(), quote(c.leftName()), Long.toString(c.left()),
          quote(c.rightName()), Long.toString(c.right()), quote(c.result()))).append('\n');
    }
    return csv.toString();
  }

  private static void table(StringBuilder md, List<String> header, List<List<String>> rows) {
    md.append("| ").append(String.join(" | ", header)).append(" |\n");
    md.append("|").append(" --- |".repeat(header.size())).append('\n');
    for (List<String> row : rows) {
      md.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
    }
    md.append('\n');
  }

  /**
   * More runnable threads than the job makes by itself (its task threads on every core, plus GC and
   * driver threads: about 2 x cores) on average during a run: someone else was using the machine.
   */
  private boolean busy() {
    return measurements.stream()
        .anyMatch(m -> m.child() != null && m.child().meanLoad() > 2.0 * machine.cores() + 1);
  }

  private static String load(Measurement m) {
    return m.child() == null || !Double.isFinite(m.child().meanLoad())
        ? "-"
        : String.format(Locale.ROOT, "%.1f", m.child().meanLoad());
  }

  private static long peak(Measurement m) {
    return m.child() == null ? 0 : m.child().peakRssBytes();
  }

  private static String rate(Measurement m) {
    return m.child() == null || !m.child().ok() ? "-" : String.format(Locale.ROOT, "%,.0f", m.rowsPerSecond());
  }

  private static String count(long n) {
    return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
  }

  private static String seconds(double s) {
    return Double.isFinite(s) ? String.format(Locale.ROOT, "%.1f", s) : "-";
  }

  private static String ratio(double r) {
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "-";
  }

  private static String quote(String field) {
    if (field == null) {
      return "";
    }
    return field.contains(",") || field.contains("\"") ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }
}
