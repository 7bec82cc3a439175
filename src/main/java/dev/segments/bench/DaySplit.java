package dev.segments.bench;

import dev.segments.demo.SampleGenerator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * The nightly experiment's deliveries, made from a generated file the way {@code replay} splits its
 * input: every line dated before the last day (and every line without a readable date, which the
 * first run quarantines) is the history, the last day's lines are the night's file.
 *
 * <p>The job's own split (in {@code Replay}) is private and needs Spark; the generated files are
 * simple enough (one record per line, the timestamp in the fifth field) to split by streaming them.
 */
final class DaySplit {
  private static final int TIMESTAMP_FIELD = 4;
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  /** The copy's invoices get this prefix, so that no order of the copy merges with one of the original. */
  private static final String COPY_PREFIX = "P";

  /** History and last day of one generated file. */
  record Days(Path history, Path lastDay, LocalDate last, long historyRows, long lastDayRows) {}

  private DaySplit() {}

  static Days split(Path csv, LocalDate last, Path folder, PrintStream log) throws IOException {
    Path marker = folder.resolve("split.properties");
    if (Files.isRegularFile(marker)) {
      Properties p = Markers.read(marker);
      Days days = days(folder, last, Long.parseLong(p.getProperty("history-rows")), Long.parseLong(p.getProperty("last-day-rows")));
      if (last.toString().equals(p.getProperty("last"))
          && Files.isRegularFile(days.history()) && Files.isRegularFile(days.lastDay())) {
        log.printf("benchmark: reusing the split of %s at %s%n", csv.getFileName(), last);
        return days;
      }
    }
    Files.createDirectories(folder);
    Files.deleteIfExists(marker);
    log.printf("benchmark: splitting %s into history (before %s) and the last day%n", csv, last);
    String lastText = last.toString();
    long historyRows = 0;
    long lastRows = 0;
    Days planned = days(folder, last, 0, 0);
    try (BufferedReader in = reader(csv);
        BufferedWriter history = writer(planned.history());
        BufferedWriter day = writer(planned.lastDay())) {
      String header = in.readLine();
      history.write(header);
      history.write('\n');
      day.write(header);
      day.write('\n');
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        boolean onLastDay = lastText.equals(day(line));
        (onLastDay ? day : history).write(line);
        (onLastDay ? day : history).write('\n');
        if (onLastDay) {
          lastRows++;
        } else {
          historyRows++;
        }
      }
    }
    Properties p = new Properties();
    p.setProperty("source", csv.toString());
    p.setProperty("last", lastText);
    p.setProperty("history-rows", Long.toString(historyRows));
    p.setProperty("last-day-rows", Long.toString(lastRows));
    Markers.write(marker, p);
    return days(folder, last, historyRows, lastRows);
  }

  /**
   * Twice the history of the same customers: the whole generated file moved back by the
   * generator's period (so the copy ends the day before the original starts, invoices prefixed),
   * then the original history. The last day's file stays the same, so only the history doubles.
   */
  static Path doubledHistory(Path csv, Days days, Path folder, PrintStream log) throws IOException {
    Path out = folder.resolve("history-2x.csv");
    Path marker = folder.resolve("history-2x.properties");
    if (Files.isRegularFile(out) && Files.isRegularFile(marker)
        && days.last().toString().equals(Markers.read(marker).getProperty("last"))) {
      log.printf("benchmark: reusing %s%n", out);
      return out;
    }
    Files.deleteIfExists(marker);
    SampleGenerator.Options period = SampleGenerator.demoOptions();
    long shift = ChronoUnit.DAYS.between(period.start(), period.end()) + 1;
    log.printf("benchmark: writing twice the history (a copy %d days earlier) into %s%n", shift, out);
    long rows = 0;
    Path partial = folder.resolve("history-2x.csv.part");
    try (BufferedWriter w = writer(partial)) {
      try (BufferedReader in = reader(csv)) {
        w.write(in.readLine());
        w.write('\n');
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          w.write(COPY_PREFIX);
          w.write(shifted(line, shift));
          w.write('\n');
          rows++;
        }
      }
      try (BufferedReader in = reader(days.history())) {
        in.readLine();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          w.write(line);
          w.write('\n');
          rows++;
        }
      }
    }
    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
    Properties p = new Properties();
    p.setProperty("last", days.last().toString());
    p.setProperty("rows", Long.toString(rows));
    Markers.write(marker, p);
    return out;
  }

  static long rows(Path doubled) throws IOException {
    return Long.parseLong(Markers.read(doubled.resolveSibling("history-2x.properties")).getProperty("rows"));
  }

  private static Days days(Path folder, LocalDate last, long historyRows, long lastRows) {
    return new Days(folder.resolve("history.csv"), folder.resolve(last + ".csv"), last, historyRows, lastRows);
  }

  /** The latest readable calendar day of the file. */
  static LocalDate lastDay(Path csv) throws IOException {
    String max = null;
    try (BufferedReader in = reader(csv)) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String day = day(line);
        if (day != null && (max == null || day.compareTo(max) > 0)) {
          max = day;
        }
      }
    }
    if (max == null) {
      throw new IllegalStateException("no readable date in " + csv);
    }
    return LocalDate.parse(max);
  }

  /** The line's calendar day as yyyy-MM-dd, or null when its timestamp is not a date. */
  private static String day(String line) {
    String stamp = CsvFields.raw(line, TIMESTAMP_FIELD);
    if (stamp == null || stamp.length() < 10) {
      return null;
    }
    String day = stamp.substring(0, 10);
    for (int i = 0; i < 10; i++) {
      char c = day.charAt(i);
      if ((i == 4 || i == 7) ? c != '-' : (c < '0' || c > '9')) {
        return null;
      }
    }
    return day;
  }

  /** The line with its timestamp moved back by {@code days}; a line without a readable one is kept as is. */
  private static String shifted(String line, long days) {
    int[] b = CsvFields.bounds(line, TIMESTAMP_FIELD);
    if (b == null) {
      return line;
    }
    try {
      LocalDateTime t = LocalDateTime.parse(line.substring(b[0], b[1]), TIMESTAMP);
      return line.substring(0, b[0]) + TIMESTAMP.format(t.minusDays(days)) + line.substring(b[1]);
    } catch (DateTimeParseException e) {
      return line;
    }
  }

  private static BufferedReader reader(Path file) throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  private static BufferedWriter writer(Path file) throws IOException {
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }
}
