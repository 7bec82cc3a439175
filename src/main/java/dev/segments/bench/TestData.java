package dev.segments.bench;

import dev.segments.demo.SampleGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Properties;

/**
 * The generated input of one size, cached in the work folder: generating 100M rows takes longer than
 * several of the runs measured on them, and every engine must read the same bytes.
 */
final class TestData {
  /**
   * Customers are rows / 20: about 20 lines (some 8 orders) per customer over the generator's two
   * years, like a mid-sized retailer; fewer customers would make the per-customer work unusually light.
   */
  static final long ROWS_PER_CUSTOMER = 20;

  /** A generated file and what it holds; {@code seconds} is 0 when it came from the cache. */
  record Input(
      Path csv, long rows, int customers, long seed, long duplicates, long bad, LocalDate lastDay, double seconds) {
    Path folder() {
      return csv.getParent();
    }
  }

  private TestData() {}

  static Input generated(Path work, long rows, long seed, PrintStream log) throws IOException {
    int customers = (int) Math.max(1, rows / ROWS_PER_CUSTOMER);
    SampleGenerator.Options defaults = SampleGenerator.demoOptions();
    SampleGenerator.Options options = new SampleGenerator.Options(rows, customers, seed, defaults.start(), defaults.end());
    Path folder = work.resolve("data").resolve("rows-" + rows + "-seed-" + seed);
    Path csv = folder.resolve("transactions.csv");
    // The marker is written last, so a generation killed half way is never taken for a finished file.
    Path marker = folder.resolve("transactions.properties");
    Properties expected = describe(options);
    if (Files.isRegularFile(csv) && Files.isRegularFile(marker)) {
      Properties cached = Markers.read(marker);
      if (Markers.sameKeys(cached, expected, "rows", "customers", "seed", "start", "end")) {
        log.printf("benchmark: reusing %s (%,d rows, seed %d)%n", csv, rows, seed);
        return new Input(
            csv, rows, customers, seed, Long.parseLong(cached.getProperty("duplicates")),
            Long.parseLong(cached.getProperty("bad")), LocalDate.parse(cached.getProperty("last-day")), 0);
      }
    }
    // Splits and copies made from an older file would no longer match it.
    Folders.fresh(folder);
    log.printf("benchmark: generating %,d rows for %,d customers (seed %d) into %s%n", rows, customers, seed, csv);
    long start = System.nanoTime();
    Path partial = folder.resolve("transactions.csv.part");
    SampleGenerator.Summary summary = SampleGenerator.generate(partial, options);
    Files.move(partial, csv, StandardCopyOption.REPLACE_EXISTING);
    double seconds = (System.nanoTime() - start) / 1e9;
    // The date every engine scores as of, and where the nightly split cuts.
    LocalDate lastDay = DaySplit.lastDay(csv);
    expected.setProperty("last-day", lastDay.toString());
    expected.setProperty("duplicates", Long.toString(summary.duplicateRows()));
    expected.setProperty("bad", Long.toString(summary.badRows()));
    expected.setProperty("returns", Long.toString(summary.returnLines()));
    Markers.write(marker, expected);
    return new Input(csv, rows, customers, seed, summary.duplicateRows(), summary.badRows(), lastDay, seconds);
  }

  private static Properties describe(SampleGenerator.Options options) {
    Properties p = new Properties();
    p.setProperty("rows", Long.toString(options.rows()));
    p.setProperty("customers", Integer.toString(options.customers()));
    p.setProperty("seed", Long.toString(options.seed()));
    p.setProperty("start", options.start().toString());
    p.setProperty("end", options.end().toString());
    return p;
  }
}
