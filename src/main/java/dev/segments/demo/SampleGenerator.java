package dev.segments.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

/**
 * Writes realistic, deterministic retail transaction lines as CSV, streaming: memory does not grow
 * with the number of rows. Customers buy at gamma-distributed rates and may stop buying after any
 * order (so recency and frequency look like a real customer base); orders have several lines of
 * log-normally priced products; about 2% of lines are returns, 1% exact duplicates and 0.5% bad rows.
 *
 * <p>Columns: {@code invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country}.
 */
public final class SampleGenerator {
  public static final String HEADER =
      "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country";

  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final int PRODUCTS = 200;
  private static final double RETURN_SHARE = 0.02;
  private static final double DUPLICATE_SHARE = 0.01;
  private static final double BAD_SHARE = 0.005;
  /** Lines per order average about 2.2 (1 + geometric). */
  private static final double LINES_PER_ORDER = 2.2;
  /** Pass one aims below the target so that every customer appears; a second pass tops up. */
  private static final double FIRST_PASS_SHARE = 0.85;

  private static final String[] COUNTRIES = {
    "United Kingdom", "United Kingdom", "United Kingdom", "Germany", "France", "Netherlands", "Spain"
  };
  private static final String[] ADJECTIVES = {
    "WHITE", "RED", "VINTAGE", "SMALL", "LARGE", "PAPER", "GLASS", "WOODEN", "PINK", "BLUE"
  };
  private static final String[] NOUNS = {
    "LANTERN", "MUG", "CANDLE HOLDER", "GIFT BAG", "TEA SET", "BUNTING", "DOORMAT", "CLOCK", "TIN", "NAPKINS"
  };

  private SampleGenerator() {}

  /** How much to generate, for whom, over which period. */
  public record Options(long rows, int customers, long seed, LocalDate start, LocalDate end) {
    public Options {
      if (rows < 1 || customers < 1) {
        throw new IllegalArgumentException("rows and customers must be >= 1");
      }
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("end must be after start");
      }
    }
  }

  /** What was written: data lines (without the header) and the planted imperfections. */
  public record Summary(long rows, long duplicateRows, long badRows, long returnLines, int customers) {}

  /** The demo's sample: two years of 1,500 customers. */
  public static Options demoOptions() {
    return new Options(40_000, 1_500, 7, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31));
  }

  /** Writes exactly {@code options.rows()} data lines after a header line. */
  public static Summary generate(Path file, Options options) throws IOException {
    try (BufferedWriter out =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      out.write(HEADER);
      out.write('\n');
      Writer writer = new Writer(out, options);
      writer.run();
      return new Summary(
          writer.rows, writer.duplicates, writer.bad, writer.returns, options.customers());
    }
  }

  /** The state of one generation run; per-customer state lives only while that customer is written. */
  private static final class Writer {
    private final BufferedWriter out;
    private final Options options;
    private final long days;
    private final Product[] catalogue;
    private final double rateScale;
    private long rows;
    private long duplicates;
    private long bad;
    private long returns;
    private long invoice = 500_000;

    Writer(BufferedWriter out, Options options) {
      this.out = out;
      this.options = options;
      this.days = ChronoUnit.DAYS.between(options.start(), options.end());
      this.catalogue = catalogue(new SplittableRandom(options.seed()));
      // Orders per customer over the period ~ rate x years, truncated by dropout; the gamma(0.8)
      // rate has mean 0.8 x scale. Pick the scale so pass one yields about FIRST_PASS_SHARE of rows.
      double perCustomerLines = FIRST_PASS_SHARE * options.rows() / options.customers();
      double expectedOrders = Math.max(perCustomerLines / (LINES_PER_ORDER * 1.035), 0.05);
      this.rateScale = expectedOrders / (0.8 * 0.55 * days / 365.0);
    }

    void run() throws IOException {
      int customers = options.customers();
      for (int pass = 0; rows < options.rows(); pass++) {
        for (int c = 1; c <= customers && rows < options.rows(); c++) {
          // In pass one each remaining customer keeps at least one row of the budget.
          long budget = pass == 0 ? options.rows() - (customers - c) : options.rows();
          customer(c, pass, budget);
        }
      }
    }

    private void customer(int index, int pass, long budget) throws IOException {
      SplittableRandom rng = new SplittableRandom(mix(options.seed(), index, pass));
      String id = String.format("C%06d", index);
      String country = COUNTRIES[rng.nextInt(COUNTRIES.length)];
      double rate = gamma(rng, 0.8) * rateScale;
      double dropout = 1 - Math.pow(rng.nextDouble(), 1 / 9.0);
      double basket = Math.exp(rng.nextGaussian() * 0.6);
      double t = days * Math.pow(rng.nextDouble(), 1.5);
      boolean first = true;
      while (rows < budget && t <= days) {
        order(rng, id, country, basket, (long) t, budget);
        if (!first && rng.nextDouble() < dropout) {
          break;
        }
        first = false;
        t += 365.0 / Math.max(rate, 1e-6) * -Math.log(1 - rng.nextDouble());
      }
      if (pass == 0 && rows < budget && first) {
        // A customer whose first purchase fell outside the period still buys once.
        order(rng, id, country, basket, rng.nextLong(days + 1), budget);
      }
    }

    private void order(
        SplittableRandom rng, String customer, String country, double basket, long day, long budget)
        throws IOException {
      LocalDateTime at =
          options.start().plusDays(day).atTime(8 + rng.nextInt(12), rng.nextInt(60), rng.nextInt(60));
      String number = Long.toString(++invoice);
      int lines = 1;
      while (lines < 6 && rng.nextDouble() < 0.45) {
        lines++;
      }
      int[] chosen = new int[lines];
      for (int l = 0; l < lines && rows < budget; l++) {
        // Distinct products within an order, so that only planted copies are exact duplicates.
        chosen[l] = pickProduct(rng, chosen, l);
        Product product = catalogue[chosen[l]];
        long quantity = Math.max(1, Math.round(basket * (1 + rng.nextInt(6)) * (rng.nextDouble() < 0.1 ? 12 : 1)));
        String line = line(number, product, Long.toString(quantity), at, product.price, customer, country);
        emit(line, budget);
        if (rows < budget && rng.nextDouble() < DUPLICATE_SHARE) {
          emit(line, budget);
          duplicates++;
        }
        if (rows < budget && rng.nextDouble() < RETURN_SHARE * 1.02) {
          LocalDateTime back = at.plusDays(1 + rng.nextInt(30));
          if (!back.toLocalDate().isAfter(options.end())) {
            long returned = 1 + rng.nextLong(quantity);
            emit(
                line("C" + (++invoice), product, Long.toString(-returned), back, product.price, customer, country),
                budget);
            returns++;
          }
        }
        if (rows < budget && rng.nextDouble() < BAD_SHARE) {
          emit(badRow(rng, product, at, customer, country), budget);
          bad++;
        }
      }
    }

    private static int pickProduct(SplittableRandom rng, int[] chosen, int taken) {
      while (true) {
        // Popular products are bought more often (a squared uniform favours low indexes).
        int candidate = (int) (PRODUCTS * Math.pow(rng.nextDouble(), 2));
        boolean repeat = false;
        for (int i = 0; i < taken; i++) {
          repeat |= chosen[i] == candidate;
        }
        if (!repeat) {
          return candidate;
        }
      }
    }

    /** A row that cleaning must quarantine; each is unique, so none is an exact duplicate. */
    private String badRow(SplittableRandom rng, Product p, LocalDateTime at, String customer, String country) {
      String number = "B" + (++invoice);
      return switch (rng.nextInt(6)) {
        case 0 -> line(number, p, "1", at, p.price, "", country);
        case 1 -> number + "," + p.code + ",BAD DATE,1,not-a-date," + p.price + "," + customer + "," + country;
        case 2 -> line(number, p, "abc", at, p.price, customer, country);
        case 3 -> line(number, p, "1", at, "-1.00", customer, country);
        case 4 -> line(number, p, "0", at, p.price, customer, country);
        default -> "bad," + number;
      };
    }

    private void emit(String line, long budget) throws IOException {
      if (rows >= budget) {
        return;
      }
      out.write(line);
      out.write('\n');
      rows++;
    }

    private static String line(
        String invoice, Product p, String quantity, LocalDateTime at, String price, String customer, String country) {
      return invoice + ',' + p.code + ',' + p.csvDescription + ',' + quantity + ',' + TIMESTAMP.format(at) + ','
          + price + ',' + customer + ',' + country;
    }
  }

  private record Product(String code, String csvDescription, String price) {}

  private static Product[] catalogue(SplittableRandom rng) {
    Product[] products = new Product[PRODUCTS];
    for (int i = 0; i < PRODUCTS; i++) {
      String name = ADJECTIVES[rng.nextInt(ADJECTIVES.length)] + " " + NOUNS[rng.nextInt(NOUNS.length)];
      if (i % 23 == 0) {
        name = name + ", SET OF " + (2 + rng.nextInt(5));
      } else if (i % 29 == 0) {
        name = name + " \"DELUXE\"";
      }
      double price = Math.exp(1.0 + rng.nextGaussian() * 0.8);
      String text =
          i % 17 == 0
              ? String.format(java.util.Locale.ROOT, "%.3f", price)
              : String.format(java.util.Locale.ROOT, "%.2f", price);
      products[i] = new Product(String.format("%05d", 20_000 + i * 7), csv(name), text);
    }
    return products;
  }

  private static String csv(String field) {
    if (field.contains(",") || field.contains("\"")) {
      return '"' + field.replace("\"", "\"\"") + '"';
    }
    return field;
  }

  /** Marsaglia and Tsang's gamma sampler (scale 1), with the boost for shape below 1. */
  static double gamma(SplittableRandom rng, double shape) {
    if (shape < 1) {
      return gamma(rng, shape + 1) * Math.pow(rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static long mix(long seed, long index, long pass) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + pass * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
