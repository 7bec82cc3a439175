package dev.segments.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGeneratorTest {
  private static final SampleGenerator.Options OPTIONS =
      new SampleGenerator.Options(20_000, 800, 3, LocalDate.of(2023, 1, 1), LocalDate.of(2024, 12, 31));

  @TempDir Path dir;

  /** RFC 4180 fields of one line. */
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
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString());
    return out;
  }

  @Test
  void writesExactlyTheRowsAskedWithTheirImperfectionsCounted() throws IOException {
    Path file = dir.resolve("a.csv");
    SampleGenerator.Summary summary = SampleGenerator.generate(file, OPTIONS);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo(SampleGenerator.HEADER);
    List<String> data = lines.subList(1, lines.size());
    assertThat(data).hasSize(20_000);
    assertThat(summary.rows()).isEqualTo(20_000);

    long adjacentCopies = 0;
    for (int i = 1; i < data.size(); i++) {
      if (data.get(i).equals(data.get(i - 1))) {
        adjacentCopies++;
      }
    }
    assertThat(adjacentCopies).isEqualTo(summary.duplicateRows());
    assertThat(summary.duplicateRows()).isBetween(100L, 300L);
    assertThat(summary.badRows()).isBetween(40L, 200L);
    assertThat(summary.returnLines()).isBetween(200L, 600L);

    DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    long malformed = 0;
    long negative = 0;
    Map<String, Integer> purchaseLines = new HashMap<>();
    for (String line : data) {
      List<String> f = fields(line);
      if (f.size() != 8) {
        malformed++;
        continue;
      }
      try {
        LocalDate day = LocalDateTime.parse(f.get(4), format).toLocalDate();
        assertThat(day).isBetween(OPTIONS.start(), OPTIONS.end());
      } catch (DateTimeParseException e) {
        assertThat(f.get(4)).isEqualTo("not-a-date");
      }
      if (f.get(3).startsWith("-")) {
        negative++;
      } else if (!f.get(6).isEmpty()) {
        purchaseLines.merge(f.get(6), 1, Integer::sum);
      }
    }
    assertThat(malformed).isPositive().isLessThan(summary.badRows());
    assertThat(negative).isEqualTo(summary.returnLines());
    assertThat(purchaseLines).hasSize(800);

    // A skewed customer base: the top fifth of customers hold well over a fifth of the lines.
    List<Integer> counts = new ArrayList<>(purchaseLines.values());
    counts.sort((a, b) -> b - a);
    long top = counts.subList(0, counts.size() / 5).stream().mapToLong(Integer::longValue).sum();
    long all = counts.stream().mapToLong(Integer::longValue).sum();
    assertThat((double) top / all).isGreaterThan(0.4);
  }

  @Test
  void theSameOptionsGiveTheSameBytesAndAnotherSeedDoesNot() throws IOException {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    SampleGenerator.generate(a, OPTIONS);
    SampleGenerator.generate(b, OPTIONS);
    SampleGenerator.generate(
        c, new SampleGenerator.Options(20_000, 800, 4, OPTIONS.start(), OPTIONS.end()));
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
  }
}
