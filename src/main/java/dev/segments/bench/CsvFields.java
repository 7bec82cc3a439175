package dev.segments.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields of one RFC 4180 line (comma separated, double quotes, quotes doubled inside). Lines are
 * whole records: neither the generator nor {@code segments sql --format csv} puts a line break in a field.
 */
final class CsvFields {
  private CsvFields() {}

  /** Start (inclusive) and end (exclusive) of field {@code index}, or null when the line is shorter. */
  static int[] bounds(String line, int index) {
    int start = 0;
    for (int field = 0; ; field++) {
      int end = endOf(line, start);
      if (field == index) {
        return new int[] {start, end};
      }
      if (end >= line.length()) {
        return null;
      }
      start = end + 1;
    }
  }

  /** The raw text of field {@code index} (quotes kept), or null when the line is shorter. */
  static String raw(String line, int index) {
    int[] b = bounds(line, index);
    return b == null ? null : line.substring(b[0], b[1]);
  }

  /** Every field, unquoted. */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = endOf(line, start);
      fields.add(unquote(line.substring(start, end)));
      if (end >= line.length()) {
        return fields;
      }
      start = end + 1;
    }
  }

  private static int endOf(String line, int start) {
    boolean quoted = false;
    for (int i = start; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted; // a doubled quote toggles twice
      } else if (c == ',' && !quoted) {
        return i;
      }
    }
    return line.length();
  }

  private static String unquote(String field) {
    if (field.length() >= 2 && field.charAt(0) == '"' && field.charAt(field.length() - 1) == '"') {
      return field.substring(1, field.length() - 1).replace("\"\"", "\"");
    }
    return field;
  }
}
