package dev.segments.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGeneratorTest {
  private static final LocalDate START = LocalDate.of(2023, 1, 1);
  private static final LocalDate END = LocalDate.of(2024, 12, 31);
  private static final SampleGenerator.Options SMALL = new SampleGenerator.Options(5_000, 300, 11, START, END);
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String HEADER =
      "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country";

  @TempDir Path dir;

  /** A written file: its data lines and the generator's summary. */
  private record Sample(List<String> lines, SampleGenerator.Summary summary, String header) {}

  private Sample generate(SampleGenerator.Options options) throws IOException {
    Path file = dir.resolve("sample-" + options.rows() + "-" + options.customers() + "-" + options.seed() + ".csv");
    SampleGenerator.Summary summary = SampleGenerator.generate(file, options);
    String content = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(content).endsWith("\n").doesNotContain("\r");
    List<String> all = List.of(content.split("\n", -1));
    // The split leaves one empty string after the last '\n'.
    assertThat(all.get(all.size() - 1)).isEmpty();
    return new Sample(all.subList(1, all.size() - 1), summary, all.get(0));
  }

  /** The fields of one RFC 4180 line: quoted fields may hold commas, a doubled quote is a quote. */
  static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    assertThat(quoted).as("unterminated quote in %s", line).isFalse();
    out.add(field.toString());
    return out;
  }

  /** Why a row is bad (what cleaning must quarantine), or null for a good row. */
  static String defect(List<String> f) {
    if (f.size() != 8) {
      return "malformed";
    }
    if (f.get(6).isEmpty()) {
      return "missing customer";
    }
    try {
      LocalDateTime.parse(f.get(4), TIMESTAMP);
    } catch (DateTimeParseException e) {
      return "bad timestamp";
    }
    if (!f.get(3).matches("-?[0-9]+")) {
      return "bad quantity";
    }
    if (Long.parseLong(f.get(3)) == 0) {
      return "zero quantity";
    }
    if (new BigDecimal(f.get(5)).signum() < 0) {
      return "negative price";
    }
    return null;
  }

  private static List<List<String>> goodRows(Sample sample) {
    List<List<String>> good = new ArrayList<>();
    for (String line : sample.lines()) {
      List<String> f = fields(line);
      if (defect(f) == null) {
        good.add(f);
      }
    }
    return good;
  }

  @Test
  void writesTheHeaderAndExactlyTheRowsAsked() throws IOException {
    Sample sample = generate(SMALL);
    assertThat(sample.header()).isEqualTo(HEADER).isEqualTo(SampleGenerator.HEADER);
    assertThat(sample.lines()).hasSize(5_000);
    assertThat(sample.summary().rows()).isEqualTo(5_000);
    assertThat(sample.summary().customers()).isEqualTo(300);
  }

  @Test
  void theRowCountIsExactForAnyShape() throws IOException {
    long[][] shapes = {
      {0, 5}, {1, 5}, {7, 300}, {299, 300}, {300, 300}, {900, 300}, {3_001, 1}, {20_000, 40}, {2_500, 2_000}
    };
    for (long[] shape : shapes) {
      SampleGenerator.Options options = new SampleGenerator.Options(shape[0], (int) shape[1], 5, START, END);
      Sample sample = generate(options);
      assertThat(sample.lines()).as("rows %d, customers %d", shape[0], shape[1]).hasSize((int) shape[0]);
      assertThat(sample.summary().rows()).isEqualTo(shape[0]);
      Set<String> customers = new HashSet<>();
      for (List<String> f : goodRows(sample)) {
        customers.add(f.get(6));
      }
      // Every customer appears when there are enough rows; with fewer, one customer per row.
      assertThat(customers).hasSize((int) Math.min(shape[0], shape[1]));
    }
  }

  @Test
  void theSameOptionsGiveTheSameBytesAndAnotherSeedDoesNot() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    SampleGenerator.Summary first = SampleGenerator.generate(a, SMALL);
    SampleGenerator.Summary second = SampleGenerator.generate(b, SMALL);
    SampleGenerator.generate(c, new SampleGenerator.Options(5_000, 300, 12, START, END));
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    assertThat(second).isEqualTo(first);
    assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
  }

  @Test
  void aCustomersFirstOrderDoesNotDependOnTheOtherCustomers() throws IOException {
    // The rate scale depends on everyone, so later order dates may move; the first order may not.
    Map<String, String> few = firstLines(generate(new SampleGenerator.Options(3_000, 100, 3, START, END)));
    Map<String, String> many = firstLines(generate(new SampleGenerator.Options(9_000, 250, 3, START, END)));
    assertThat(few).hasSize(100);
    for (Map.Entry<String, String> e : few.entrySet()) {
      assertThat(many.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Each customer's first line, without the invoice number (a running counter over the file). */
  private static Map<String, String> firstLines(Sample sample) {
    Map<String, String> out = new HashMap<>();
    for (String line : sample.lines()) {
      List<String> f = fields(line);
      if (defect(f) == null) {
        out.putIfAbsent(f.get(6), String.join("|", f.subList(1, 8)));
      }
    }
    return out;
  }

  @Test
  void everyGoodLineHasEightWellFormedFieldsAndQuotingIsRfc4180() throws IOException {
    Sample sample = generate(SMALL);
    long bad = 0;
    boolean comma = false;
    boolean quote = false;
    boolean threeDecimals = false;
    for (String line : sample.lines()) {
      List<String> f = fields(line);
      String defect = defect(f);
      if (defect != null) {
        bad++;
        continue;
      }
      assertThat(f).as(line).hasSize(8);
      assertThat(f.get(0)).matches("C?5[0-9]{6,}");
      assertThat(f.get(1)).matches("[0-9]{5}[A-Z]?");
      assertThat(f.get(2)).isNotBlank();
      assertThat(f.get(3)).matches("-?[1-9][0-9]*");
      assertThat(f.get(5)).matches("[0-9]+\\.[0-9]{2,3}");
      assertThat(new BigDecimal(f.get(5))).isPositive();
      assertThat(f.get(6)).matches("C[0-9]{6}");
      assertThat(f.get(7)).isNotBlank();
      comma |= f.get(2).contains(",");
      quote |= f.get(2).contains("\"");
      threeDecimals |= f.get(5).matches("[0-9]+\\.[0-9]{3}");
      if (f.get(2).contains(",") || f.get(2).contains("\"")) {
        assertThat(line).contains("\"" + f.get(2).replace("\"", "\"\"") + "\"");
      }
    }
    assertThat(bad).isEqualTo(sample.summary().badRows());
    assertThat(comma).as("a description with a comma").isTrue();
    assertThat(quote).as("a description with a double quote").isTrue();
    assertThat(threeDecimals).as("a price with three decimals").isTrue();
  }

  @Test
  void duplicatesAreAdjacentCopiesAndCounted() throws IOException {
    Sample sample = generate(SMALL);
    List<String> lines = sample.lines();
    long adjacent = 0;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).equals(lines.get(i - 1))) {
        adjacent++;
        assertThat(defect(fields(lines.get(i)))).as("a duplicated row is a good row").isNull();
      }
    }
    assertThat(adjacent).isEqualTo(sample.summary().duplicateRows());
    // No other copies anywhere: the distinct lines are exactly the lines minus the planted copies.
    assertThat(new HashSet<>(lines)).hasSize(lines.size() - (int) adjacent);
    assertThat((double) adjacent / lines.size()).isBetween(0.005, 0.015);
  }

  @Test
  void returnsGiveBackPartOfAnEarlierPurchaseOfTheSameCustomer() throws IOException {
    Sample sample = generate(SMALL);
    // (customer, stock code, price) -> purchases as {time, quantity}
    Map<String, List<Object[]>> purchases = new HashMap<>();
    long returns = 0;
    for (List<String> f : goodRows(sample)) {
      String key = f.get(6) + "|" + f.get(1) + "|" + f.get(5);
      LocalDateTime at = LocalDateTime.parse(f.get(4), TIMESTAMP);
      long quantity = Long.parseLong(f.get(3));
      if (quantity > 0) {
        assertThat(f.get(0)).startsWith("5");
        purchases.computeIfAbsent(key, k -> new ArrayList<>()).add(new Object[] {at, quantity});
        continue;
      }
      returns++;
      assertThat(f.get(0)).startsWith("C5");
      List<Object[]> bought = purchases.getOrDefault(key, List.of());
      assertThat(bought)
          .as("an earlier purchase for the return %s", f)
          .anyMatch(p -> ((LocalDateTime) p[0]).isBefore(at) && (long) p[1] >= -quantity);
    }
    assertThat(returns).isEqualTo(sample.summary().returnLines());
    assertThat((double) returns / sample.lines().size()).isBetween(0.01, 0.03);
  }

  @Test
  void badRowsAreRareDistinctAndOfEveryKind() throws IOException {
    Sample small = generate(SMALL);
    long bad = 0;
    Set<String> distinct = new HashSet<>();
    for (String line : small.lines()) {
      List<String> f = fields(line);
      if (defect(f) != null) {
        bad++;
        distinct.add(line);
        if (f.size() != 8) {
          assertThat(f).as(line).hasSize(2);
        }
      }
    }
    assertThat(bad).isEqualTo(small.summary().badRows()).isEqualTo(distinct.size());
    assertThat((double) bad / small.lines().size()).isBetween(0.002, 0.01);

    // Enough rows to see every kind.
    Sample large = generate(new SampleGenerator.Options(40_000, 1_500, 7, START, END));
    Map<String, Integer> kinds = new HashMap<>();
    Set<String> badLines = new HashSet<>();
    for (String line : large.lines()) {
      String defect = defect(fields(line));
      if (defect != null) {
        kinds.merge(defect, 1, Integer::sum);
        assertThat(badLines.add(line)).as("bad rows are unique: %s", line).isTrue();
      }
    }
    assertThat(kinds)
        .containsOnlyKeys(
            "malformed", "missing customer", "bad timestamp", "bad quantity", "zero quantity", "negative price");
    assertThat(kinds.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(large.summary().badRows());
    assertThat((double) large.summary().badRows() / 40_000).isBetween(0.003, 0.007);
    assertThat((double) large.summary().duplicateRows() / 40_000).isBetween(0.007, 0.013);
    assertThat((double) large.summary().returnLines() / 40_000).isBetween(0.015, 0.025);
  }

  @Test
  void timestampsAreInThePeriodAndOpeningHours() throws IOException {
    Sample sample = generate(SMALL);
    long parsed = 0;
    for (String line : sample.lines()) {
      List<String> f = fields(line);
      if (f.size() != 8) {
        continue;
      }
      LocalDateTime at;
      try {
        at = LocalDateTime.parse(f.get(4), TIMESTAMP);
      } catch (DateTimeParseException e) {
        assertThat(f.get(4)).isEqualTo("not-a-date");
        continue;
      }
      parsed++;
      assertThat(at.toLocalDate()).isBetween(START, END);
      assertThat(at.toLocalTime()).isBetween(LocalTime.of(8, 0), LocalTime.of(20, 0));
    }
    assertThat(parsed).isGreaterThan(4_900);
  }

  @Test
  void anOrderIsOneCustomerAtOneTimeWithOneToSixDistinctProducts() throws IOException {
    Sample sample = generate(SMALL);
    Map<String, Set<String>> customers = new HashMap<>();
    Map<String, Set<String>> times = new HashMap<>();
    Map<String, Set<String>> products = new HashMap<>();
    for (List<String> f : goodRows(sample)) {
      String invoice = f.get(0);
      customers.computeIfAbsent(invoice, k -> new HashSet<>()).add(f.get(6));
      times.computeIfAbsent(invoice, k -> new HashSet<>()).add(f.get(4));
      products.computeIfAbsent(invoice, k -> new HashSet<>()).add(f.get(1));
    }
    assertThat(customers.values()).allMatch(s -> s.size() == 1);
    assertThat(times.values()).allMatch(s -> s.size() == 1);
    assertThat(products.values()).allMatch(s -> s.size() >= 1 && s.size() <= 6);
    assertThat(products.values()).anyMatch(s -> s.size() == 1).anyMatch(s -> s.size() >= 4);
  }

  @Test
  void everyCustomerHasACleanPurchaseAndOneCountry() throws IOException {
    Sample sample = generate(SMALL);
    Set<String> buyers = new HashSet<>();
    Map<String, Set<String>> countries = new HashMap<>();
    for (List<String> f : goodRows(sample)) {
      if (Long.parseLong(f.get(3)) > 0) {
        buyers.add(f.get(6));
      }
      countries.computeIfAbsent(f.get(6), k -> new HashSet<>()).add(f.get(7));
    }
    Set<String> expected = new HashSet<>();
    for (int c = 1; c <= 300; c++) {
      expected.add(String.format("C%06d", c));
    }
    assertThat(buyers).isEqualTo(expected);
    assertThat(countries.values()).allMatch(s -> s.size() == 1);
    assertThat(countries.values().stream().map(s -> s.iterator().next()).distinct().count()).isGreaterThan(3);
  }

  @Test
  void purchasesAreSkewedTowardsAFewCustomers() throws IOException {
    Sample sample = generate(SMALL);
    Map<String, Integer> lines = new HashMap<>();
    Map<String, Set<String>> orders = new HashMap<>();
    for (List<String> f : goodRows(sample)) {
      if (Long.parseLong(f.get(3)) > 0) {
        lines.merge(f.get(6), 1, Integer::sum);
        orders.computeIfAbsent(f.get(6), k -> new HashSet<>()).add(f.get(0));
      }
    }
    List<Integer> counts = new ArrayList<>(lines.values());
    counts.sort((a, b) -> b - a);
    long top = counts.subList(0, counts.size() / 5).stream().mapToLong(Integer::longValue).sum();
    long all = counts.stream().mapToLong(Integer::longValue).sum();
    assertThat((double) top / all).isGreaterThan(0.4);
    // One-time buyers and a whale with many orders both exist.
    assertThat(orders.values()).anyMatch(s -> s.size() == 1).anyMatch(s -> s.size() >= 30);
  }

  @Test
  void demoOptionsAreTheDocumentedDefaults() {
    SampleGenerator.Options demo = SampleGenerator.demoOptions();
    assertThat(demo)
        .isEqualTo(new SampleGenerator.Options(40_000, 1_500, 7, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31)));
  }

  @Test
  void rejectsImpossibleOptions() {
    assertThatThrownBy(() -> new SampleGenerator.Options(-1, 10, 1, START, END))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SampleGenerator.Options(10, 0, 1, START, END))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SampleGenerator.Options(10, 10, 1, END, START))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
