package dev.segments.bench;

/** One row-accounting comparison: a quantity as two sides count it. */
record Check(String subject, String quantity, long left, long right, String leftName, String rightName) {
  boolean pass() {
    return left >= 0 && left == right;
  }

  String result() {
    return left < 0 || right < 0 ? "FAIL (not counted)" : pass() ? "PASS" : "FAIL";
  }
}
