package dev.segments.bench;

/** One target of the issue: what was measured against its limit. */
record Target(String name, String measured, String limit, String result) {
  static final String PASS = "PASS";
  static final String FAIL = "FAIL";

  static Target ratio(String name, double ratio, double limit, String basis) {
    String measured = String.format(java.util.Locale.ROOT, "%.2f (%s)", ratio, basis);
    return new Target(name, measured, "<= " + limit, Double.isFinite(ratio) && ratio <= limit ? PASS : FAIL);
  }

  static Target notMeasured(String name, String limit, String why) {
    return new Target(name, "-", limit, "not measured (" + why + ")");
  }
}
