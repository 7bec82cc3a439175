package dev.segments.clv;

/** The Gauss hypergeometric function 2F1(a, b; c; z) on 0 <= z < 1, the range BG/NBD needs. */
public final class Hypergeometric {
  private Hypergeometric() {}

  /**
   * Beyond this many terms the series is abandoned: at z = 0.999 it needs about 40,000, and a z
   * that close to 1 means a horizon hundreds of times longer than the customer's history.
   */
  static final int MAX_TERMS = 200_000;

  private static final double LOG_TOLERANCE = Math.log(1e-16);

  /**
   * 2F1(a, b; c; z) by its power series, summed in log space so that terms of any size neither
   * overflow nor underflow; NaN where the series is not used (z outside [0, 1), c a non-positive
   * integer) or did not converge within {@link #MAX_TERMS} terms.
   */
  public static double hyp2f1(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1) || (c <= 0 && c == Math.rint(c))) {
      return Double.NaN;
    }
    if (z == 0 || a == 0 || b == 0) {
      return 1.0;
    }
    // Terms can change sign while a + n, b + n or c + n is negative, so positive and negative terms
    // are accumulated separately; for BG/NBD's positive a, b, c every term is positive.
    double logZ = Math.log(z);
    double logTerm = 0;
    int sign = 1;
    double logPositive = 0;
    double logNegative = Double.NEGATIVE_INFINITY;
    for (int n = 0; n < MAX_TERMS; n++) {
      double ratio = (a + n) * (b + n) / ((c + n) * (n + 1));
      if (ratio == 0) {
        return combine(logPositive, logNegative); // a or b a negative integer: a polynomial
      }
      if (ratio < 0) {
        sign = -sign;
      }
      logTerm += Math.log(Math.abs(ratio)) + logZ;
      if (sign > 0) {
        logPositive = logAddExp(logPositive, logTerm);
      } else {
        logNegative = logAddExp(logNegative, logTerm);
      }
      // Once the term ratio is below 1 for good, the tail is bounded by a geometric series with
      // ratio rho = max(current ratio, z), the ratio's limit.
      double rho = Math.max(Math.abs(ratio) * z, z);
      if (ratio > 0 && (a + n) > 0 && (b + n) > 0 && (c + n) > 0 && rho < 1) {
        double logTail = logTerm + Math.log(rho) - Math.log1p(-rho);
        if (logTail - logAddExp(logPositive, logNegative) < LOG_TOLERANCE) {
          return combine(logPositive, logNegative);
        }
      }
    }
    return Double.NaN;
  }

  private static double combine(double logPositive, double logNegative) {
    return Math.exp(logPositive) - Math.exp(logNegative);
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
