package dev.segments.clv;

/** The Gauss hypergeometric function 2F1(a, b; c; z) on 0 <= z < 1, the range BG/NBD needs. */
public final class Hypergeometric {
  private Hypergeometric() {}

  /**
   * Beyond this many terms the series is abandoned: at z = 0.999 it needs about 40,000, and a z
   * that close to 1 means a horizon hundreds of times longer than the customer's history.
   */
  static final int MAX_TERMS = 200_000;

  private static final double TOLERANCE = 1e-16;

  private static final int RESCALE_EXPONENT = 600;

  private static final double RESCALE = Math.scalb(1.0, RESCALE_EXPONENT);

  /**
   * 2F1(a, b; c; z) by its power series; NaN where the series is not used (z outside [0, 1), c a
   * non-positive integer) or did not converge within {@link #MAX_TERMS} terms.
   */
  public static double hyp2f1(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1) || (c <= 0 && c == Math.rint(c))) {
      return Double.NaN;
    }
    if (z == 0 || a == 0 || b == 0) {
      return 1.0;
    }
    // Summed as plain products, not logs: three logarithms a term made CLV's predictions 23.5 s of
    // CPU in a 10M-line run, against 5 s now. The sums are rescaled by RESCALE whenever they grow
    // past it, so they overflow only when the result itself is beyond a double. Terms can change
    // sign while a + n, b + n or c + n is negative, so positive and negative terms are accumulated
    // separately; for BG/NBD's positive a, b, c every term is positive.
    double term = 1;
    double positive = 1;
    double negative = 0;
    int rescaled = 0;
    for (int n = 0; n < MAX_TERMS; n++) {
      double ratio = (a + n) * (b + n) / ((c + n) * (n + 1));
      if (ratio == 0) {
        return combine(positive, negative, rescaled); // a or b a negative integer: a polynomial
      }
      term *= ratio * z;
      if (term > 0) {
        positive += term;
      } else {
        negative -= term;
      }
      if (positive > RESCALE || negative > RESCALE) {
        // A power of two: rescaling is exact.
        term = Math.scalb(term, -RESCALE_EXPONENT);
        positive = Math.scalb(positive, -RESCALE_EXPONENT);
        negative = Math.scalb(negative, -RESCALE_EXPONENT);
        rescaled++;
      }
      // Once the term ratio is below 1 for good, the tail is bounded by a geometric series with
      // ratio rho = max(current ratio, z), the ratio's limit.
      double rho = Math.max(Math.abs(ratio) * z, z);
      if (ratio > 0 && (a + n) > 0 && (b + n) > 0 && (c + n) > 0 && rho < 1) {
        double tail = Math.abs(term) * rho / (1 - rho);
        if (tail < TOLERANCE * (positive + negative)) {
          return combine(positive, negative, rescaled);
        }
      }
    }
    return Double.NaN;
  }

  private static double combine(double positive, double negative, int rescaled) {
    return Math.scalb(positive - negative, RESCALE_EXPONENT * rescaled);
  }

  static double logAddExp(double u, double v) {
    if (u == Double.NEGATIVE_INFINITY) {
      return v;
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return u;
    }
    double hi = Math.max(u, v);
    return hi + Math.log1p(Math.exp(-Math.abs(u - v)));
  }
}
