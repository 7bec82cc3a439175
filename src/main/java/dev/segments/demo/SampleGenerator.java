package dev.segments.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes realistic retail transaction lines as CSV, deterministically and streaming: memory does
 * not grow with the number of rows, so the same code makes the demo's small sample and benchmark
 * files of 10M-100M rows.
 *
 * <p>Columns: {@value #HEADER}. Lines are grouped by customer (customer 1 first), not sorted by time.
 *
 * <h2>The customer model</h2>
 *
 * Each customer is a small buy-till-you-die process (as in the BG/NBD model):
 *
 * <ul>
 *   <li>a purchase rate drawn from a Gamma distribution of shape {@value #RATE_SHAPE}, so most
 *       customers buy rarely and a few (the gamma tail) buy very often: the "whales";
 *   <li>a probability of stopping for good after each order, drawn from a Beta distribution of mean
 *       {@value #CHURN_MEAN} (lower when many orders per customer are asked for, see below);
 *   <li>a first purchase spread over the period, more of them early ({@code period * u^1.6});
 *   <li>a basket size (log-normal), and a country.
 * </ul>
 *
 * Orders follow at exponential gaps until the customer stops or the period ends. An order is one
 * invoice number ({@code 5} and six digits, more past a million orders; unique in the file), one
 * customer, one timestamp between 08:00:00 and 19:59:59, and 1-6 lines of distinct products (each
 * further line with probability {@value #MORE_LINES}). A line's value is log-normal (basket x order x line factors); the quantity
 * is that value over the product's price. The catalogue of {@value #PRODUCTS} products, with fixed
 * prices (a few with three decimals) and some descriptions holding a comma or a double quote
 * (written RFC 4180 quoted), is drawn from the seed.
 *
 * <h2>Planted imperfections</h2>
 *
 * Shares of all rows, approximately: 2% return lines (a later invoice {@code C5nnnnnn} returning at
 * most the bought quantity of the line just written, same product and price, dated after it and in
 * the period), 1% exact duplicates (a purchase line written twice in a row) and 0.5% bad rows (a
 * purchase line written corrupted instead: empty customer id, {@code not-a-date}, quantity {@code
 * abc}, unit price {@code -1.00}, quantity 0, or only its first two fields). Bad rows keep the
 * line's invoice and stock code, so they are all distinct and never duplicated; a customer's first
 * line is never bad, so every customer written has a clean purchase.
 *
 * <h2>Exactly {@code rows} lines</h2>
 *
 * <ol>
 *   <li>Calibration: the rate scale is found by bisection so that the customers' order schedules
 *       (which only cost random draws to replay) give {@value #ORGANIC_SHARE} of the rows. It
 *       replays the real schedules of all customers, or, when there are many, of an evenly spaced
 *       sample (at most 20,000 customers and about a million orders), whose bias is then measured
 *       in one pass over all customers and corrected. When more than 20 orders per customer are
 *       needed, the stopping probability's mean is lowered to 2 / (orders per customer) so that the
 *       rates need not be absurd.
 *   <li>The organic pass writes customers 1..n in turn. Customer c may write at most {@code rows - (n
 *       - c)} lines so that every later customer keeps one line: every customer appears (with a clean
 *       purchase) whenever {@code rows >= customers}; with fewer rows, the first {@code rows}
 *       customers do.
 *   <li>Top-up passes, while lines are missing: the missing orders are shared out over the customers
 *       in proportion to their purchase rate (systematic sampling), each extra order dated within the
 *       customer's own active span. Writing stops at the exact row count, mid-order if need be.
 * </ol>
 *
 * <h2>Determinism</h2>
 *
 * Everything random comes from {@link SplittableRandom}s seeded by (seed, customer index, purpose):
 * a customer's traits, order schedule and line contents never depend on other customers; only
 * invoice numbers (a running counter) and where the row budget cuts do. Floating point uses {@link
 * StrictMath}, so the same options give byte-identical files on every JVM.
 */
public final class SampleGenerator {
  public static final String HEADER =
      "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country";

  static final double RATE_SHAPE = 0.8;
  static final double CHURN_MEAN = 0.10;
  /** The Beta's first shape; the second gives the mean. Above 1 so that E[1/p] is finite. */
  static final double CHURN_SHAPE = 1.2;
  static final double FIRST_PURCHASE_SKEW = 1.6;
  static final double MORE_LINES = 0.5;
  static final int MAX_LINES = 6;
  static final int PRODUCTS = 200;
  /** The median line value, before the customer's, order's and line's log-normal factors. */
  static final double LINE_VALUE = 15.0;

  // Probabilities per purchase line; with the rows they add, they give the documented shares.
  static final double BAD_PER_LINE = 0.0052;
  static final double DUPLICATE_PER_LINE = 0.0103;
  static final double RETURN_PER_LINE = 0.0207;
  static final double ORGANIC_SHARE = 0.96;

  static final double LINES_PER_ORDER = (1 - StrictMath.pow(MORE_LINES, MAX_LINES)) / (1 - MORE_LINES);
  static final double ROWS_PER_ORDER =
      LINES_PER_ORDER * (1 + (1 - BAD_PER_LINE) * (DUPLICATE_PER_LINE + RETURN_PER_LINE));

  private static final double MAX_ORDERS_PER_DAY = 24;
  private static final double MIN_SCALE = 1e-9;
  private static final double MAX_SCALE = MAX_ORDERS_PER_DAY * 1e4;
  private static final int CALIBRATION_CUSTOMERS = 20_000;
  private static final double CALIBRATION_ORDERS = 1_000_000;
  private static final int SECONDS_OPEN = 12 * 3600;
  private static final int OPENING_SECOND = 8 * 3600;

  // Random stream purposes. Customer streams use index 1..n; the catalogue index 0; top-up offsets
  // the pass number. A customer's top-up pass p draws its lines from purpose CONTENT + 8p.
  private static final long TRAITS = 1;
  private static final long SCHEDULE = 2;
  private static final long CONTENT = 3;
  private static final long CATALOGUE = 4;
  private static final long TOP_UP = 5;

  /** Countries, repeated by weight: mostly the home market. */
  private static final String[] COUNTRIES = {
    "United Kingdom", "United Kingdom", "United Kingdom", "United Kingdom", "United Kingdom",
    "United Kingdom", "United Kingdom", "United Kingdom", "United Kingdom", "United Kingdom",
    "United Kingdom", "United Kingdom", "Germany", "Germany", "France", "France", "EIRE", "Spain",
    "Netherlands", "Belgium"
  };
  private static final String[] STYLES = {
    "VINTAGE", "RETRO", "JUMBO", "MINI", "HEART", "STAR", "REGENCY", "ANTIQUE", "RUSTIC", "HANGING",
    "FELTCRAFT", "SPOTTY", "FLORAL", "GINGHAM", "SCANDINAVIAN", "PARTY"
  };
  private static final String[] COLOURS = {
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "SILVER", "GLASS", "WOODEN", "ENAMEL", "PAPER"
  };
  private static final String[] ITEMS = {
    "LANTERN", "MUG", "CANDLE HOLDER", "GIFT BAG", "TEA SET", "BUNTING", "DOORMAT", "WALL CLOCK",
    "CAKE TIN", "NAPKINS", "PHOTO FRAME", "LUNCH BOX", "NOTEBOOK", "WATER BOTTLE", "CUSHION COVER",
    "TEA TOWEL", "JAM JAR", "BIRD HOUSE", "DOOR SIGN", "STORAGE BOX"
  };
  private static final String[] MOTTOS = {"HOME", "LOVE", "NOEL", "JOY", "KEEP CALM"};

  private SampleGenerator() {}

  /** How much to generate, for how many customers, from which seed, over which days (inclusive). */
  public record Options(long rows, int customers, long seed, LocalDate start, LocalDate end) {
    public Options {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (rows < 0) {
        throw new IllegalArgumentException("rows must be >= 0, got " + rows);
      }
      if (customers < 1) {
        throw new IllegalArgumentException("customers must be >= 1, got " + customers);
      }
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("end " + end + " is before start " + start);
      }
    }
  }

  /** What was written: data lines (without the header) and the planted imperfections among them. */
  public record Summary(long rows, long duplicateRows, long badRows, long returnLines, int customers) {}

  /** The demo's sample: 40,000 rows for 1,500 customers over 2023 and 2024, seed 7. */
  public static Options demoOptions() {
    return new Options(40_000, 1_500, 7, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31));
  }

  /** Writes exactly {@code options.rows()} data lines (plus one header line) to file, UTF-8, '\n' line ends. */
  public static Summary generate(Path file, Options options) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    try (BufferedWriter out =
        new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      out.write(HEADER);
      out.write('\n');
      Run run = new Run(out, options);
      run.organicPass();
      run.topUp();
      return new Summary(run.written, run.duplicates, run.bad, run.returns, options.customers());
    }
  }

  /** One generation: the rows written so far and the state of the customer being written. */
  private static final class Run {
    private final BufferedWriter out;
    private final long seed;
    private final long rows;
    private final int customers;
    private final double days;
    private final long startDay;
    private final double churnMean;
    private final double scale;
    private final double badPerLine;
    private final Product[] catalogue;
    private final int[] chosen = new int[MAX_LINES];
    private final StringBuilder text = new StringBuilder(192);
    private char[] chars = new char[192];

    private long limit;
    private long written;
    private long duplicates;
    private long bad;
    private long returns;
    private long invoices;

    Run(BufferedWriter out, Options options) {
      this.out = out;
      this.seed = options.seed();
      this.rows = options.rows();
      this.customers = options.customers();
      this.days = ChronoUnit.DAYS.between(options.start(), options.end()) + 1;
      this.startDay = options.start().toEpochDay();
      this.catalogue = catalogue(stream(seed, 0, CATALOGUE));
      double orders = ORGANIC_SHARE * rows / (customers * ROWS_PER_ORDER);
      this.churnMean = Math.min(CHURN_MEAN, 2.0 / Math.max(orders, 1));
      this.scale = calibrate(orders);
      // A customer's first line is never bad: the other lines make up for it.
      this.badPerLine = BAD_PER_LINE / Math.max(0.5, 1 - (double) customers / Math.max(1, rows));
    }

    void organicPass() throws IOException {
      for (int c = 1; c <= customers && written < rows; c++) {
        // Every later customer keeps one line of the budget; this one gets at least one.
        limit = Math.min(rows, Math.max(written + 1, rows - (customers - c)));
        Traits traits = traits(c);
        Schedule schedule = new Schedule(stream(seed, c, SCHEDULE), traits, scale, days);
        SplittableRandom random = stream(seed, c, CONTENT);
        String id = customerId(c);
        boolean first = true;
        do {
          order(random, id, traits, schedule.time, first);
          first = false;
        } while (written < limit && schedule.next());
      }
    }

    void topUp() throws IOException {
      limit = rows;
      double weights = 0;
      if (written < rows) {
        for (int c = 1; c <= customers; c++) {
          weights += traits(c).rate;
        }
      }
      for (int pass = 1; written < rows; pass++) {
        long wanted = Math.max(1, (long) StrictMath.ceil((rows - written) / ROWS_PER_ORDER));
        double offset = stream(seed, pass, TOP_UP).nextDouble();
        double cumulative = 0;
        long given = 0;
        for (int c = 1; c <= customers && written < rows; c++) {
          Traits traits = traits(c);
          cumulative += traits.rate;
          long upTo =
              c == customers
                  ? wanted
                  : Math.min(wanted, (long) StrictMath.floor(wanted * (cumulative / weights) + offset));
          long extra = upTo - given;
          given = Math.max(given, upTo);
          if (extra <= 0) {
            continue;
          }
          // The customer's active span: first to last organic order (a month for one-order customers).
          Schedule schedule = new Schedule(stream(seed, c, SCHEDULE), traits, scale, days);
          double last = schedule.time;
          while (schedule.next()) {
            last = schedule.time;
          }
          double from = traits.first;
          double to = last - from >= 7 ? last : Math.min(days, from + 30);
          SplittableRandom random = stream(seed, c, CONTENT + 8 * (long) pass);
          String id = customerId(c);
          for (long k = 0; k < extra && written < rows; k++) {
            order(random, id, traits, from + (to - from) * random.nextDouble(), false);
          }
        }
      }
    }

    /**
     * The rate scale (orders per day per unit of gamma rate) that gives the wanted orders per
     * customer: bisection over the schedules of all customers or, when there are many, of an evenly
     * spaced sample, whose bias is then measured once on all customers and corrected by bisecting again.
     */
    private double calibrate(double ordersPerCustomer) {
      int sample =
          (int)
              Math.min(
                  customers,
                  Math.min(CALIBRATION_CUSTOMERS, Math.max(100, CALIBRATION_ORDERS / Math.max(1, ordersPerCustomer))));
      Traits[] traits = new Traits[sample];
      int[] index = new int[sample];
      for (int i = 0; i < sample; i++) {
        index[i] = (int) (1 + (long) i * customers / sample);
        traits[i] = traits(index[i]);
      }
      long cap = (long) (50 * Math.max(1, ordersPerCustomer)) + 100;
      // Log scale, 2^-16 of the full range: about 0.05% on the scale.
      double log = bisect(ordersPerCustomer, StrictMath.log(MIN_SCALE), StrictMath.log(MAX_SCALE), 16, traits, index, cap);
      if (sample < customers) {
        long total = 0;
        for (int c = 1; c <= customers; c++) {
          total += orders(c, traits(c), StrictMath.exp(log), cap);
        }
        double all = (double) total / customers;
        log = bisect(ordersPerCustomer * ordersPerCustomer / all, log - 1, log + 1, 11, traits, index, cap);
      }
      return StrictMath.exp(log);
    }

    /** The log scale in [lo, hi] where the sample's mean orders reach the target (an end if never or always). */
    private double bisect(double target, double lo, double hi, int steps, Traits[] traits, int[] index, long cap) {
      for (int step = 0; step < steps; step++) {
        double mid = (lo + hi) / 2;
        if (meanOrders(StrictMath.exp(mid), traits, index, cap) < target) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      return (lo + hi) / 2;
    }

    private double meanOrders(double scale, Traits[] traits, int[] index, long cap) {
      long total = 0;
      for (int i = 0; i < traits.length; i++) {
        total += orders(index[i], traits[i], scale, cap);
      }
      return (double) total / traits.length;
    }

    /** How many orders the customer's schedule gives at this scale, at most cap. */
    private long orders(int index, Traits traits, double scale, long cap) {
      Schedule schedule = new Schedule(stream(seed, index, SCHEDULE), traits, scale, days);
      long orders = 1;
      while (orders < cap && schedule.next()) {
        orders++;
      }
      return orders;
    }

    private Traits traits(int index) {
      SplittableRandom random = stream(seed, index, TRAITS);
      String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      double first = days * StrictMath.pow(random.nextDouble(), FIRST_PURCHASE_SKEW);
      double basket = StrictMath.exp(0.5 * gaussian(random));
      double rate = gamma(random, RATE_SHAPE);
      // Last, as the only draw that depends on the options (through the churn mean).
      double a = gamma(random, CHURN_SHAPE);
      double b = gamma(random, CHURN_SHAPE * (1 - churnMean) / churnMean);
      return new Traits(country, rate, a / (a + b), basket, first);
    }

    /** One order at time t (days since start): its lines and the imperfections planted among them. */
    private void order(SplittableRandom random, String id, Traits traits, double t, boolean first)
        throws IOException {
      long stamp = stamp(t);
      String when = timestamp(stamp);
      String invoice = invoiceNo("5", ++invoices);
      int lines = 1;
      while (lines < MAX_LINES && random.nextDouble() < MORE_LINES) {
        lines++;
      }
      double orderFactor = traits.basket * StrictMath.exp(0.5 * gaussian(random));
      for (int l = 0; l < lines && written < limit; l++) {
        Product p = catalogue[pickProduct(random, l)];
        long quantity = quantity(random, p, orderFactor);
        if (!(first && l == 0) && random.nextDouble() < badPerLine) {
          badRow(random, invoice, p, quantity, when, id, traits.country);
          if (emit()) {
            bad++;
          }
          continue;
        }
        row(invoice, p, Long.toString(quantity), when, p.price, id, traits.country);
        if (emit() && random.nextDouble() < DUPLICATE_PER_LINE && emit()) {
          duplicates++;
        }
        if (random.nextDouble() < RETURN_PER_LINE) {
          returnLine(random, p, quantity, t, stamp, id, traits.country);
        }
      }
    }

    private void returnLine(
        SplittableRandom random, Product p, long bought, double t, long stamp, String id, String country)
        throws IOException {
      double back = t + 0.5 + 29.5 * random.nextDouble();
      if (back >= days) {
        back = t + (days - t) * random.nextDouble();
      }
      long returned = 1 + random.nextLong(bought);
      long backStamp = stamp(back);
      if (backStamp <= stamp || written >= limit) {
        return; // bought in the period's last seconds (no time left to return it), or the file is full
      }
      row(invoiceNo("C5", ++invoices), p, Long.toString(-returned), timestamp(backStamp), p.price, id, country);
      if (emit()) {
        returns++;
      }
    }

    /** The purchase line, corrupted; its invoice and stock code keep it distinct from every other row. */
    private void badRow(
        SplittableRandom random, String invoice, Product p, long quantity, String when, String id, String country) {
      String q = Long.toString(quantity);
      switch (random.nextInt(6)) {
        case 0 -> row(invoice, p, q, when, p.price, "", country);
        case 1 -> row(invoice, p, q, "not-a-date", p.price, id, country);
        case 2 -> row(invoice, p, "abc", when, p.price, id, country);
        case 3 -> row(invoice, p, q, when, "-1.00", id, country);
        case 4 -> row(invoice, p, "0", when, p.price, id, country);
        default -> {
          text.setLength(0);
          text.append(invoice).append(',').append(p.code);
        }
      }
    }

    /** A popular-first product (squared uniform) not yet in this order. */
    private int pickProduct(SplittableRandom random, int taken) {
      while (true) {
        double u = random.nextDouble();
        int candidate = (int) (PRODUCTS * u * u);
        boolean repeat = false;
        for (int i = 0; i < taken; i++) {
          repeat |= chosen[i] == candidate;
        }
        if (!repeat) {
          chosen[taken] = candidate;
          return candidate;
        }
      }
    }

    /** A log-normal line value over the price; larger quantities come in sixes, as from a wholesaler. */
    private static long quantity(SplittableRandom random, Product p, double factor) {
      double value = LINE_VALUE * factor * StrictMath.exp(0.7 * gaussian(random));
      long quantity = Math.max(1, Math.min(10_000, Math.round(value / p.value)));
      return quantity > 12 ? 6 * Math.round(quantity / 6.0) : quantity;
    }

    /** Writes the row last built (again, for a duplicate) unless the budget is spent. */
    private boolean emit() throws IOException {
      if (written >= limit) {
        return false;
      }
      int length = text.length();
      if (chars.length < length + 1) {
        chars = new char[2 * length + 1];
      }
      text.getChars(0, length, chars, 0);
      chars[length] = '\n';
      out.write(chars, 0, length + 1);
      written++;
      return true;
    }

    /** Builds a row in the text buffer. */
    private void row(
        String invoice, Product p, String quantity, String when, String price, String id, String country) {
      text.setLength(0);
      text.append(invoice).append(',').append(p.code).append(',').append(p.description).append(',');
      text.append(quantity).append(',').append(when).append(',').append(price).append(',');
      text.append(id).append(',').append(country);
    }

    /** Seconds of opening time since the start: day * 12h + second after 08:00. */
    private long stamp(double t) {
      long day = (long) StrictMath.floor(t);
      long second = Math.min(SECONDS_OPEN - 1, (long) ((t - day) * SECONDS_OPEN));
      return day * SECONDS_OPEN + second;
    }

    private String timestamp(long stamp) {
      LocalDate date = LocalDate.ofEpochDay(startDay + stamp / SECONDS_OPEN);
      int second = (int) (stamp % SECONDS_OPEN) + OPENING_SECOND;
      StringBuilder s = new StringBuilder(19);
      pad(s, date.getYear(), 4).append('-');
      pad(s, date.getMonthValue(), 2).append('-');
      pad(s, date.getDayOfMonth(), 2).append(' ');
      pad(s, second / 3600, 2).append(':');
      pad(s, second / 60 % 60, 2).append(':');
      pad(s, second % 60, 2);
      return s.toString();
    }
  }

  /** A customer's traits: everything drawn once from the customer's own stream. */
  private record Traits(String country, double rate, double churn, double basket, double first) {}

  /**
   * A customer's order times (days since start), from the customer's own stream. The draws made do
   * not depend on the scale, only when the period ends them, so a larger scale never gives fewer
   * orders: calibration can bisect.
   */
  private static final class Schedule {
    private final SplittableRandom random;
    private final double churn;
    private final double perDay;
    private final double days;
    double time;

    Schedule(SplittableRandom random, Traits traits, double scale, double days) {
      this.random = random;
      this.churn = traits.churn;
      this.perDay = Math.min(MAX_ORDERS_PER_DAY, scale * traits.rate);
      this.days = days;
      this.time = traits.first;
    }

    /** Moves to the next order; false when the customer stopped buying or the period is over. */
    boolean next() {
      if (random.nextDouble() < churn || !(perDay > 0)) {
        return false;
      }
      time += -StrictMath.log(1 - random.nextDouble()) / perDay;
      return time < days;
    }
  }

  private record Product(String code, String description, String price, double value) {}

  /** The catalogue: distinct names (some needing CSV quotes), distinct codes, log-normal prices. */
  private static Product[] catalogue(SplittableRandom random) {
    int combinations = STYLES.length * COLOURS.length * ITEMS.length;
    int[] names = new int[combinations];
    for (int i = 0; i < combinations; i++) {
      names[i] = i;
    }
    int codeOffset = random.nextInt(90_000);
    Product[] products = new Product[PRODUCTS];
    for (int i = 0; i < PRODUCTS; i++) {
      int pick = i + random.nextInt(combinations - i);
      int name = names[pick];
      names[pick] = names[i];
      names[i] = name;
      String description =
          STYLES[name % STYLES.length]
              + ' '
              + COLOURS[name / STYLES.length % COLOURS.length]
              + ' '
              + ITEMS[name / (STYLES.length * COLOURS.length)];
      if (i % 13 == 5) {
        description += " \"" + MOTTOS[random.nextInt(MOTTOS.length)] + '"';
      }
      if (i % 11 == 3) {
        description += ", SET OF " + (2 + random.nextInt(5));
      }
      String code = Integer.toString(10_000 + (int) (((long) i * 7_919 + codeOffset) % 90_000));
      if (i % 9 == 4) {
        code += (char) ('A' + random.nextInt(3));
      }
      double price = Math.max(0.10, Math.min(200.0, StrictMath.exp(0.8 + 0.9 * gaussian(random))));
      String text;
      double value;
      if (i % 20 == 7) {
        long mills = Math.max(105, 10 * (long) StrictMath.floor(price * 100) + 5); // e.g. 0.425
        text = (mills / 1000) + "." + pad(new StringBuilder(), (int) (mills % 1000), 3);
        value = mills / 1000.0;
      } else {
        long cents = Math.max(10, Math.round(price * 100));
        text = (cents / 100) + "." + pad(new StringBuilder(), (int) (cents % 100), 2);
        value = cents / 100.0;
      }
      products[i] = new Product(code, csv(description), text, value);
    }
    return products;
  }

  /** RFC 4180: a field holding a comma, quote or line break is quoted, inner quotes doubled. */
  static String csv(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  private static String customerId(int index) {
    return "C" + pad(new StringBuilder(), index, 6);
  }

  /** A prefix and the number, zero padded to six digits (more digits once past 999,999). */
  private static String invoiceNo(String prefix, long number) {
    StringBuilder s = new StringBuilder(prefix);
    String digits = Long.toString(number);
    for (int i = digits.length(); i < 6; i++) {
      s.append('0');
    }
    return s.append(digits).toString();
  }

  private static StringBuilder pad(StringBuilder s, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      s.append('0');
    }
    return s.append(digits);
  }

  /**
   * A Gamma(shape, 1) variate by Marsaglia and Tsang (2000); for shape below 1, the boost
   * Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
   */
  static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      double u = 1 - random.nextDouble(); // (0, 1]
      return gamma(random, shape + 1) * StrictMath.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / StrictMath.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = gaussian(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      double xx = x * x;
      if (u < 1 - 0.0331 * xx * xx) {
        return d * v;
      }
      if (u > 0 && StrictMath.log(u) < 0.5 * xx + d * (1 - v + StrictMath.log(v))) {
        return d * v;
      }
    }
  }

  /** A standard normal variate (Marsaglia's polar method, no cached spare so draws stay per call). */
  static double gaussian(SplittableRandom random) {
    while (true) {
      double x = 2 * random.nextDouble() - 1;
      double y = 2 * random.nextDouble() - 1;
      double s = x * x + y * y;
      if (s > 0 && s < 1) {
        return x * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
      }
    }
  }

  /** A seeded stream for (seed, index, purpose): SplitMix64 finalizers over the three. */
  static SplittableRandom stream(long seed, long index, long purpose) {
    long z = mix64(seed ^ 0x3C6EF372FE94F82BL);
    z = mix64(z + 0x9E3779B97F4A7C15L * (index + 1));
    z = mix64(z + 0xC2B2AE3D27D4EB4FL * (purpose + 1));
    return new SplittableRandom(z);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
