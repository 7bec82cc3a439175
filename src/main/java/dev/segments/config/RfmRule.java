package dev.segments.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One named segment of the RFM map: score ranges for R and F, and optionally M ("1-2", "5"; absent M
 * means 1-5). Ranges are data so that a business can edit the map.
 */
public record RfmRule(
    @JsonProperty("name") String name,
    @JsonProperty("r") String r,
    @JsonProperty("f") String f,
    @JsonProperty("m") String m) {

  private static final Pattern RANGE = Pattern.compile("\\s*([1-5])\\s*(?:-\\s*([1-5])\\s*)?");

  /** The ten-segment R x F grid of the domain guide; it covers each of the 25 cells once. */
  public static final List<RfmRule> DEFAULT_MAP =
      List.of(
          new RfmRule("Hibernating", "1-2", "1-2", null),
          new RfmRule("At Risk", "1-2", "3-4", null),
          new RfmRule("Can't Lose Them", "1-2", "5", null),
          new RfmRule("About To Sleep", "3", "1-2", null),
          new RfmRule("Need Attention", "3", "3", null),
          new RfmRule("Loyal Customers", "3-4", "4-5", null),
          new RfmRule("Promising", "4", "1", null),
          new RfmRule("Potential Loyalists", "4-5", "2-3", null),
          new RfmRule("New Customers", "5", "1", null),
          new RfmRule("Champions", "5", "4-5", null));

  public RfmRule {
    if (name == null || name.isBlank()) {
      throw SegmentsConfig.invalid("segments.rfm-map[].name", "missing", "every segment needs a name");
    }
    r = r == null ? "1-5" : r;
    f = f == null ? "1-5" : f;
    m = m == null ? "1-5" : m;
    parse(name, "r", r);
    parse(name, "f", f);
    parse(name, "m", m);
  }

  public int rLow() {
    return parse(name, "r", r)[0];
  }

  public int rHigh() {
    return parse(name, "r", r)[1];
  }

  public int fLow() {
    return parse(name, "f", f)[0];
  }

  public int fHigh() {
    return parse(name, "f", f)[1];
  }

  public int mLow() {
    return parse(name, "m", m)[0];
  }

  public int mHigh() {
    return parse(name, "m", m)[1];
  }

  boolean covers(int rs, int fs, int ms) {
    return rs >= rLow() && rs <= rHigh() && fs >= fLow() && fs <= fHigh() && ms >= mLow() && ms <= mHigh();
  }

  private static int[] parse(String name, String axis, String range) {
    Matcher matcher = RANGE.matcher(range);
    if (!matcher.matches()) {
      throw SegmentsConfig.invalid(
          "segments.rfm-map." + axis, range + " in '" + name + "'", "a score or a range such as 1-2, within 1..5");
    }
    int low = Integer.parseInt(matcher.group(1));
    int high = matcher.group(2) == null ? low : Integer.parseInt(matcher.group(2));
    if (high < low) {
      throw SegmentsConfig.invalid(
          "segments.rfm-map." + axis, range + " in '" + name + "'", "the range is empty");
    }
    return new int[] {low, high};
  }

  /**
   * Rejects a map unless every score cell falls in exactly one segment, naming the cells that fall in
   * none or in several, since otherwise labels would depend on rule order or fall to an "other".
   */
  static void checkCoverage(List<RfmRule> map) {
    if (map.isEmpty()) {
      throw SegmentsConfig.invalid("segments.rfm-map", "[]", "at least one segment");
    }
    boolean usesM = map.stream().anyMatch(rule -> rule.mLow() != 1 || rule.mHigh() != 5);
    List<String> uncovered = new ArrayList<>();
    List<String> doubled = new ArrayList<>();
    for (int rs = 1; rs <= 5; rs++) {
      for (int fs = 1; fs <= 5; fs++) {
        for (int ms = 1; ms <= (usesM ? 5 : 1); ms++) {
          List<String> hits = new ArrayList<>();
          for (RfmRule rule : map) {
            if (rule.covers(rs, fs, ms)) {
              hits.add(rule.name());
            }
          }
          String cell = "R" + rs + "F" + fs + (usesM ? "M" + ms : "");
          if (hits.isEmpty()) {
            uncovered.add(cell);
          } else if (hits.size() > 1) {
            doubled.add(cell + " (" + String.join(", ", hits) + ")");
          }
        }
      }
    }
    if (!uncovered.isEmpty() || !doubled.isEmpty()) {
      StringBuilder why = new StringBuilder("every score cell must fall in exactly one segment;");
      if (!uncovered.isEmpty()) {
        why.append(" not covered: ").append(String.join(" ", uncovered)).append(';');
      }
      if (!doubled.isEmpty()) {
        why.append(" covered twice: ").append(String.join(" ", doubled)).append(';');
      }
      throw new IllegalArgumentException(
          "Invalid segments.rfm-map: " + why.substring(0, why.length() - 1));
    }
  }
}
