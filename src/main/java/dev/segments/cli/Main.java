package dev.segments.cli;

import dev.segments.Columns;
import dev.segments.ExitCode;
import dev.segments.Redact;
import dev.segments.compare.Comparison;
import dev.segments.SegmentsException;
import dev.segments.config.ConfigLoader;
import dev.segments.config.SegmentsConfig;
import dev.segments.demo.SampleGenerator;
import dev.segments.io.SparkSessions;
import dev.segments.io.Tables;
import dev.segments.io.Warehouse;
import dev.segments.job.Housekeeping;
import dev.segments.job.Replay;
import dev.segments.job.SegmentationJob;
import dev.segments.segment.KMeansSegments;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The command line: {@code demo}, {@code run}, {@code sql}, {@code generate}; maps failures to exit codes. */
public final class Main {
  static final String USAGE =
      String.join(
          "\n",
          "usage: segments <command> [flags]",
          "  demo     [--warehouse DIR] [--data DIR]        generate a sample and run the whole pipeline on it",
          "  run      --config FILE [--input PATH] [--warehouse DIR] [--as-of YYYY-MM-DD] [--force] [--refit]",
          "  sql      --warehouse DIR [--format csv|table] \"SELECT ...\"",
          "  report   --warehouse DIR [--as-of YYYY-MM-DD]    write a date's HTML report again (latest date by default)",
          "  serve-sql --warehouse DIR [--port 8080] [--bind 127.0.0.1] [--auth-config FILE] [--java-home DIR]",
          "                                                 Trino over the tables for BI tools (JDBC), until stopped",
          "  maintain --warehouse DIR [--retention-days N]      compact and vacuum every table",
          "  forget   --warehouse DIR --customer ID            remove a customer from every table",
          "  replay   --config FILE --days N --work DIR        replay the input's last N days as nightly runs",
          "  generate --rows N --customers M --seed S --out DIR",
          "exit codes: 0 ok, 1 unexpected, 2 usage or config, 65 data error, 66 no input,",
          "            75 another run holds the warehouse (retry later)");

  private final PrintStream out;
  private final PrintStream err;

  private Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    SparkSession.getDefaultSession().foreach(session -> {
      session.stop();
      return null;
    });
    System.exit(code);
  }

  /** Runs one command; returns the exit code. Spark is started only by commands that need it. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    Main main = new Main(out, err);
    try {
      return main.dispatch(Arrays.asList(args));
    } catch (SegmentsException e) {
      err.println("segments: " + Redact.secrets(e.getMessage()));
      return e.exitCode().code();
    } catch (Exception | Error e) {
      // Spark throws AnalysisException (a checked exception) without declaring it: a query that
      // names a missing table or column is the user's error, not ours.
      if (e instanceof AnalysisException) {
        err.println("segments: " + Redact.secrets(firstLine(e.getMessage())));
        return ExitCode.USAGE.code();
      }
      SegmentsException unreadable = inputFailure(e);
      if (unreadable != null) {
        err.println("segments: " + Redact.secrets(unreadable.getMessage()));
        return unreadable.exitCode().code();
      }
      String invariant = invariantFailure(e);
      if (invariant != null) {
        err.println("segments: a table invariant would break, so the run was not published (a bug: please report it): " + Redact.secrets(invariant));
        return ExitCode.UNEXPECTED.code();
      }
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      err.println("segments: unexpected error: " + Redact.secrets(String.valueOf(e)));
      err.print(Redact.secrets(trace.toString()));
      return ExitCode.UNEXPECTED.code();
    }
  }

  /**
   * A file Spark could not read (a truncated archive, a damaged Parquet footer) or a money overflow is
   * bad input, not a bug: the user gets the file's name or the value, and the reason, in one line.
   */
  static SegmentsException inputFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // ANSI arithmetic fails rather than wrapping or rounding: a sum too large for the money type
      // stops the run before any commit, with the offending value in the message.
      if (t instanceof SparkThrowable spark
          && spark.getCondition() != null
          && (spark.getCondition().startsWith("NUMERIC_VALUE_OUT_OF_RANGE")
              || spark.getCondition().startsWith("ARITHMETIC_OVERFLOW")
              || spark.getCondition().startsWith("CAST_OVERFLOW"))) {
        return SegmentsException.data(
            "An amount or sum is beyond what the job sums exactly (±9,223,372,036,854.775807); the run was not published ("
                + firstSentence(String.valueOf(t.getMessage())) + ")",
            failure);
      }
      if (t instanceof SparkThrowable spark
          && spark.getCondition() != null
          && spark.getCondition().startsWith("FAILED_READ_FILE")) {
        String path = spark.getMessageParameters().getOrDefault("path", "(unknown)");
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        String reason = root == t ? spark.getCondition() : root.getClass().getSimpleName() + ": " + firstLine(String.valueOf(root.getMessage()));
        return SegmentsException.data("Input file " + path + " could not be read (corrupt or truncated?): " + reason, failure);
      }
    }
    return null;
  }

  /** A CHECK constraint or a pre-publication check refused a commit: the message says which and why. */
  static String invariantFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof dev.segments.io.Invariants.InvariantViolation) {
        return t.getMessage();
      }
      if (t instanceof SparkThrowable spark
          && spark.getCondition() != null
          && spark.getCondition().startsWith("DELTA_VIOLATE_CONSTRAINT")) {
        return firstLine(String.valueOf(t.getMessage()));
      }
    }
    return null;
  }

  private int dispatch(List<String> args) {
    if (args.isEmpty() || Set.of("help", "--help", "-h").contains(args.get(0))) {
      out.println(USAGE);
      return args.isEmpty() ? ExitCode.USAGE.code() : ExitCode.OK.code();
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    return switch (command) {
      case "demo" -> demo(CliArgs.parse(command, rest, Set.of("warehouse", "data"), Set.of()));
      case "run" ->
          run(
              CliArgs.parse(
                  command, rest, Set.of("config", "input", "warehouse", "as-of"), Set.of("force", "refit")));
      case "report" -> report(CliArgs.parse(command, rest, Set.of("warehouse", "as-of"), Set.of()));
      case "serve-sql" ->
          serveSql(CliArgs.parse(command, rest, Set.of("warehouse", "port", "bind", "auth-config", "java-home", "cache"), Set.of()));
      case "maintain" -> maintain(CliArgs.parse(command, rest, Set.of("warehouse", "retention-days"), Set.of()));
      case "forget" -> forget(CliArgs.parse(command, rest, Set.of("warehouse", "customer"), Set.of()));
      case "replay" -> replay(CliArgs.parse(command, rest, Set.of("config", "days", "work"), Set.of()));
      case "sql" -> sql(CliArgs.parse(command, rest, Set.of("warehouse", "format"), Set.of()));
      case "generate" ->
          generate(CliArgs.parse(command, rest, Set.of("rows", "customers", "seed", "out"), Set.of()));
      default -> throw SegmentsException.usage("Unknown command '" + command + "'\n" + USAGE);
    };
  }

  private int demo(CliArgs args) {
    noPositionals(args);
    Path data = Path.of(args.option("data", "demo-data")).toAbsolutePath().normalize();
    Path sample = data.resolve("transactions.csv");
    SampleGenerator.Options options = SampleGenerator.demoOptions();
    SampleGenerator.Summary generated;
    try {
      Files.createDirectories(data);
      generated = SampleGenerator.generate(sample, options);
    } catch (IOException e) {
      throw SegmentsException.usage("Cannot write the demo data to " + data + ": " + e.getMessage());
    }
    out.printf(
        "segments: demo data %s: %,d rows, %,d customers (seed %d)%n",
        sample, generated.rows(), generated.customers(), options.seed());
    SegmentsConfig cfg =
        ConfigLoader.parse(resource("/dev/segments/demo.yaml"))
            .withInputPath(sample.toString())
            .withWarehouse(args.option("warehouse", "warehouse"));
    return runJob(cfg, SegmentationJob.Options.DEFAULT);
  }

  private int run(CliArgs args) {
    noPositionals(args);
    SegmentsConfig cfg = ConfigLoader.load(Path.of(args.required("config")));
    if (args.option("input") != null) {
      cfg = cfg.withInputPath(args.option("input"));
    }
    if (args.option("warehouse") != null) {
      cfg = cfg.withWarehouse(args.option("warehouse"));
    }
    if (args.option("as-of") != null) {
      cfg = cfg.withAsOf(date("--as-of", args.option("as-of")));
    }
    return runJob(cfg, new SegmentationJob.Options(args.flag("force"), args.flag("refit")));
  }

  private int runJob(SegmentsConfig cfg, SegmentationJob.Options options) {
    long start = System.nanoTime();
    SparkSession spark = session();
    SegmentationJob.Outcome outcome = SegmentationJob.run(spark, cfg, ConfigLoader.hash(cfg), options);
    printSummary(outcome, Duration.ofNanos(System.nanoTime() - start));
    return ExitCode.OK.code();
  }

  private int replay(CliArgs args) {
    noPositionals(args);
    SegmentsConfig cfg = ConfigLoader.load(Path.of(args.required("config")));
    int days = (int) positiveLong("--days", args.required("days"));
    Path work = Path.of(args.required("work")).toAbsolutePath().normalize();
    Replay.Result result = Replay.run(session(), cfg, days, work);
    out.printf("segments: replayed %d days of %s in %s%n", days, cfg.input().path(), work);
    out.println("  run        as of       new lines   seconds");
    for (Replay.Step step : result.steps()) {
      out.printf("  %-10s %s %,11d %9.1f%n", step.label(), step.asOf(), step.newLines(), step.seconds());
    }
    out.printf("  %-10s %s %11s %9.1f%n", "full", result.full().asOf(), "", result.full().seconds());
    out.printf(
        "  nightly mean %.1f s against the full recompute's %.1f s (ratio %.2f)%n",
        result.meanNightlySeconds(), result.full().seconds(), result.meanNightlySeconds() / result.full().seconds());
    for (Replay.Difference d : result.differences()) {
      out.printf("  %-20s %s%n", d.table(),
          d.onlyIncremental() == 0 && d.onlyFull() == 0
              ? "equal"
              : String.format("DIFFERENT: %,d rows only incremental, %,d only full", d.onlyIncremental(), d.onlyFull()));
    }
    out.printf(
        "  clusters             %s (%,d customers assigned with the stored model)%n",
        result.clusterMismatches() == 0 ? "equal" : String.format("DIFFERENT for %,d customers", result.clusterMismatches()),
        result.customers());
    if (!result.equal()) {
      throw SegmentsException.data("The incremental replay differs from the full recompute (see above)");
    }
    return ExitCode.OK.code();
  }

  private int report(CliArgs args) {
    noPositionals(args);
    Warehouse warehouse = existingWarehouse(args.required("warehouse"));
    LocalDate asOf = args.option("as-of") == null ? null : date("--as-of", args.option("as-of"));
    out.println("segments: report " + dev.segments.report.Report.write(warehouse, asOf));
    return ExitCode.OK.code();
  }

  private int serveSql(CliArgs args) {
    noPositionals(args);
    Path warehouse = Path.of(args.required("warehouse")).toAbsolutePath().normalize();
    long port = positiveLong("--port", args.option("port", "8080"));
    if (port > 65535) {
      throw SegmentsException.usage("Invalid --port: " + port);
    }
    Path auth = args.option("auth-config") == null ? null : Path.of(args.option("auth-config"));
    if (auth != null && !Files.isRegularFile(auth)) {
      throw SegmentsException.usage("Invalid --auth-config: " + auth + " is not a file");
    }
    Path cache =
        Path.of(args.option("cache", System.getProperty("user.home") + "/.cache/segments")).toAbsolutePath();
    try (dev.segments.serve.TrinoServer server =
        dev.segments.serve.TrinoServer.start(
            new dev.segments.serve.TrinoServer.Options(
                warehouse, args.option("bind", "127.0.0.1"), (int) port, cache, auth,
                args.option("java-home") == null ? null : Path.of(args.option("java-home"))))) {
      out.println("segments: Trino " + dev.segments.serve.TrinoServer.VERSION + " serves " + server.tables().size()
          + " tables of " + warehouse + " as " + dev.segments.serve.TrinoServer.CATALOG + "."
          + dev.segments.serve.TrinoServer.SCHEMA);
      out.println("  JDBC URL    " + server.jdbcUrl() + "   (user: any name; Ctrl-C stops it)");
      out.flush();
      server.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCode.OK.code();
  }

  private int maintain(CliArgs args) {
    noPositionals(args);
    Warehouse warehouse = existingWarehouse(args.required("warehouse"));
    int days = (int) positiveLong("--retention-days", args.option("retention-days", "7"));
    if (days < 7) {
      throw SegmentsException.usage("Invalid --retention-days: " + days + " (at least 7)");
    }
    Housekeeping.Report report = Housekeeping.maintain(warehouse.spark(), warehouse, days);
    out.println("segments: " + report.run().runId() + " " + report.run().message());
    report.rowsByTable().forEach((table, files) -> out.printf("  %-22s %,d files removed%n", table, files));
    return ExitCode.OK.code();
  }

  private int forget(CliArgs args) {
    noPositionals(args);
    Warehouse warehouse = existingWarehouse(args.required("warehouse"));
    Housekeeping.Report report = Housekeeping.forget(warehouse.spark(), warehouse, args.required("customer"));
    out.println("segments: " + report.run().runId() + " " + report.run().message());
    report.rowsByTable().forEach((table, rows) -> out.printf("  %-22s %,d rows deleted%n", table, rows));
    out.println(
        "  older table versions keep these rows until `maintain` vacuums them after the retention window;"
            + " add the id to clean.blacklist so a later delivery does not bring it back");
    return ExitCode.OK.code();
  }

  private Warehouse existingWarehouse(String dir) {
    if (!dir.contains("://") && !Files.isDirectory(Path.of(dir))) {
      throw SegmentsException.noInput("Warehouse not found: " + dir);
    }
    return new Warehouse(session(), dir);
  }

  private void printSummary(SegmentationJob.Outcome outcome, Duration elapsed) {
    var run = outcome.run();
    out.printf(
        "segments: %s as of %s %s in %.1f s%n",
        run.runId(), run.asOf(), run.status(), elapsed.toMillis() / 1000.0);
    if (outcome.skipped()) {
      out.println("  " + run.message());
      return;
    }
    if (run.warnings() != null) {
      out.println("  WARNING     " + run.warnings());
    }
    out.printf(
        "  rows        %,d input = %,d clean + %,d duplicates + %,d quarantined%n",
        run.inputRows(), run.cleanRows(), run.duplicateRows(), run.quarantinedRows());
    out.printf(
        "  customers   %,d scored, %,d with returns only%s%n",
        run.customersScored(),
        run.customersReturnsOnly(),
        run.linesAfterAsOf() > 0 ? String.format(", %,d lines after the as-of date left out", run.linesAfterAsOf()) : "");
    Comparison.Result comparison = outcome.comparison();
    out.println("  rfm_segment " + sizes(comparison.sizes().get(Columns.RFM_SEGMENT)));
    Map<String, Double> tiers = comparison.revenueShares().get(Columns.VALUE_TIER);
    if (outcome.top20RevenueShare() != null) {
      out.printf(
          "  pareto      the top 20%% of customers bring %.1f%% of net revenue; value tier High brings %s%n",
          100 * outcome.top20RevenueShare(),
          tiers.get("High") == null ? "none" : String.format("%.1f%%", 100 * tiers.get("High")));
    }
    KMeansSegments.Result kmeans = outcome.kmeans();
    if (kmeans.fitted()) {
      // A stored model assigns without trying any k: the line says which model instead.
      String how =
          kmeans.tried().isEmpty()
              ? kmeans.status()
              : "tried "
                  + kmeans.tried().stream()
                      .map(t -> String.format("k=%d %.3f", t.k(), t.silhouette()))
                      .collect(Collectors.joining(", "));
      out.printf(
          "  k-means     %s k=%d, silhouette %.3f (%s)%n",
          kmeans.algorithm(), kmeans.k(), kmeans.silhouette(), how);
      out.println(
          "  clusters    "
              + kmeans.profiles().stream()
                  .map(p -> p.clusterId() + " " + p.name() + " (" + String.format("%,d", p.customers()) + ")")
                  .collect(Collectors.joining(", ")));
      List<Comparison.FamilyAgreement> ranked = new java.util.ArrayList<>(comparison.agreement());
      ranked.sort(java.util.Comparator.comparingDouble(Comparison.FamilyAgreement::ari).reversed());
      Comparison.FamilyAgreement most = ranked.get(0);
      Comparison.FamilyAgreement least = ranked.get(ranked.size() - 1);
      out.printf(
          "  agreement   clusters agree most with %s (ARI %.3f, NMI %.3f), least with %s (ARI %.3f, NMI %.3f)%n",
          most.family(), most.ari(), most.nmi(), least.family(), least.ari(), least.nmi());
    } else {
      out.println("  k-means     " + kmeans.status());
    }
    out.println("  tables      " + Redact.secrets(outcome.warehouse()) + " (" + String.join(", ", Tables.ALWAYS) + ")");
    if (outcome.report() != null) {
      out.println("  report      " + Redact.secrets(outcome.report()));
    }
  }

  private static String sizes(Map<String, Long> sizes) {
    return sizes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " " + String.format("%,d", e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private int sql(CliArgs args) {
    String warehouseDir = args.required("warehouse");
    String format = args.option("format", "table");
    if (!format.equals("csv") && !format.equals("table")) {
      throw SegmentsException.usage("Invalid --format: " + format + " (csv or table)");
    }
    if (args.positionals().size() != 1) {
      throw SegmentsException.usage("sql takes exactly one query, in quotes");
    }
    if (!Files.isDirectory(Path.of(warehouseDir))) {
      throw SegmentsException.noInput("Warehouse not found: " + warehouseDir);
    }
    SparkSession spark = session();
    Warehouse warehouse = new Warehouse(spark, warehouseDir);
    if (warehouse.registerAll().isEmpty()) {
      throw SegmentsException.noInput("No Delta tables in " + warehouseDir);
    }
    Dataset<Row> result = spark.sql(args.positionals().get(0));
    if (format.equals("csv")) {
      printCsv(result);
    } else {
      printTable(result, TABLE_ROWS);
    }
    return ExitCode.OK.code();
  }

  private void printCsv(Dataset<Row> result) {
    out.println(Arrays.stream(result.columns()).map(Main::csvField).collect(Collectors.joining(",")));
    Iterator<Row> rows = result.toLocalIterator();
    StringBuilder line = new StringBuilder();
    while (rows.hasNext()) {
      Row row = rows.next();
      line.setLength(0);
      for (int i = 0; i < row.length(); i++) {
        if (i > 0) {
          line.append(',');
        }
        line.append(row.isNullAt(i) ? "" : csvField(String.valueOf(row.get(i))));
      }
      out.println(line);
    }
  }

  /** At most this many rows are shown as a table; csv streams them all. */
  private static final int TABLE_ROWS = 1000;

  private void printTable(Dataset<Row> result, int limit) {
    String[] names = result.columns();
    List<Row> rows = result.limit(limit + 1).collectAsList();
    int[] widths = Arrays.stream(names).mapToInt(String::length).toArray();
    List<String[]> cells = new java.util.ArrayList<>();
    for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : String.valueOf(row.get(i));
        widths[i] = Math.max(widths[i], line[i].length());
      }
      cells.add(line);
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : widths) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(tableLine(names, widths));
    out.println(rule);
    cells.forEach(line -> out.println(tableLine(line, widths)));
    out.println(rule);
    out.println(
        rows.size() > limit
            ? "(first " + limit + " rows; use --format csv for all)"
            : "(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static String tableLine(String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      line.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
    }
    return line.toString();
  }

  static String csvField(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }

  private int generate(CliArgs args) {
    noPositionals(args);
    long rows = positiveLong("--rows", args.required("rows"));
    int customers = (int) Math.min(Integer.MAX_VALUE, positiveLong("--customers", args.required("customers")));
    long seed = parseLong("--seed", args.option("seed", "1"));
    Path dir = Path.of(args.required("out"));
    SampleGenerator.Options defaults = SampleGenerator.demoOptions();
    SampleGenerator.Options options =
        new SampleGenerator.Options(rows, customers, seed, defaults.start(), defaults.end());
    try {
      Files.createDirectories(dir);
      SampleGenerator.Summary summary = SampleGenerator.generate(dir.resolve("transactions.csv"), options);
      out.printf(
          "segments: wrote %,d rows (%,d duplicates, %,d bad, %,d returns) for %,d customers to %s%n",
          summary.rows(), summary.duplicateRows(), summary.badRows(), summary.returnLines(),
          summary.customers(), dir.resolve("transactions.csv"));
    } catch (IOException e) {
      throw SegmentsException.usage("Cannot write to " + dir + ": " + e.getMessage());
    }
    return ExitCode.OK.code();
  }

  private static SparkSession session() {
    return SparkSessions.forJob("segments", Path.of(System.getProperty("java.io.tmpdir")));
  }

  private static void noPositionals(CliArgs args) {
    if (!args.positionals().isEmpty()) {
      throw SegmentsException.usage("Unexpected argument: " + args.positionals().get(0));
    }
  }

  private static LocalDate date(String flag, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw SegmentsException.usage("Invalid " + flag + ": " + value + " (expected YYYY-MM-DD)");
    }
  }

  private static long parseLong(String flag, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw SegmentsException.usage("Invalid " + flag + ": " + value + " (expected a whole number)");
    }
  }

  private static long positiveLong(String flag, String value) {
    long parsed = parseLong(flag, value);
    if (parsed < 1) {
      throw SegmentsException.usage("Invalid " + flag + ": " + value + " (must be >= 1)");
    }
    return parsed;
  }

  private static String resource(String name) {
    try (InputStream in = Main.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Spark's own advice (turn ANSI mode off) would trade the error for a wrong value: left out. */
  private static String firstSentence(String message) {
    String line = firstLine(message);
    int end = line.indexOf(". ");
    return end < 0 ? line : line.substring(0, end);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
