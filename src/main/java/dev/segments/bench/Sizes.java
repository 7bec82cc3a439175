package dev.segments.bench;

import dev.segments.SegmentsException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Row counts and memory sizes as people write them on a command line: {@code 200k}, {@code 10m}, {@code 2g}. */
final class Sizes {
  private static final Pattern ROWS = Pattern.compile("(\\d+(?:\\.\\d+)?)([km]?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+)([kmg]?)");

  private Sizes() {}

  /** {@code 200k} = 200,000 rows, {@code 1.5m} = 1,500,000; a plain number is taken as is. */
  static long rows(String flag, String text) {
    Matcher m = ROWS.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw SegmentsException.usage("Invalid " + flag + ": '" + text + "' (expected row counts like 200k, 1m, 10m)");
    }
    long unit = m.group(2).equals("k") ? 1_000 : m.group(2).equals("m") ? 1_000_000 : 1;
    BigDecimal rows = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    if (rows.stripTrailingZeros().scale() > 0) {
      throw SegmentsException.usage("Invalid " + flag + ": '" + text + "' (not a whole number of rows)");
    }
    return rows.longValueExact();
  }

  /** The label used in file names and the report: 200000 -> 200k, 10000000 -> 10m. */
  static String label(long rows) {
    if (rows >= 1_000_000 && rows % 100_000 == 0) {
      return BigDecimal.valueOf(rows).movePointLeft(6).stripTrailingZeros().toPlainString() + "m";
    }
    if (rows >= 1_000 && rows % 1_000 == 0) {
      return (rows / 1_000) + "k";
    }
    return Long.toString(rows);
  }

  /** A JVM-style heap size ({@code 2g}, {@code 1536m}) in bytes; no suffix means bytes, as for -Xmx. */
  static long memory(String flag, String text) {
    Matcher m = MEMORY.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw SegmentsException.usage("Invalid " + flag + ": '" + text + "' (expected a size like 2g or 1536m)");
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      default -> 0;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
    } catch (ArithmeticException | NumberFormatException e) {
      throw SegmentsException.usage("Invalid " + flag + ": '" + text + "' (too large)");
    }
  }

  /** Bytes for people: 1.4 GB, 730 MB. */
  static String bytes(long bytes) {
    if (bytes <= 0) {
      return "n/a";
    }
    double mb = bytes / (1024.0 * 1024.0);
    return mb >= 1024 ? String.format(Locale.ROOT, "%.2f GB", mb / 1024) : String.format(Locale.ROOT, "%.0f MB", mb);
  }
}
