package dev.segments.clv;

import java.util.Arrays;
import java.util.function.DoubleFunction;

/**
 * Values that depend on the parameters and on a customer's repeat purchases x only (log-gamma and
 * digamma terms), computed once per x instead of once per row. x is a count, so a fit over
 * hundreds of thousands of rows meets a few hundred values of it.
 */
final class PerX {
  /** Counts up to this are kept; a larger or fractional x is computed every time. */
  private static final int LIMIT = 1 << 20;

  private final DoubleFunction<double[]> compute;
  private double[][] cache = new double[64][];

  PerX(DoubleFunction<double[]> compute) {
    this.compute = compute;
  }

  double[] at(double x) {
    if (x < 0 || x >= LIMIT || x != Math.rint(x)) {
      return compute.apply(x);
    }
    int i = (int) x;
    if (i >= cache.length) {
      cache = Arrays.copyOf(cache, Math.max(i + 1, 2 * cache.length));
    }
    double[] v = cache[i];
    if (v == null) {
      v = compute.apply(x);
      cache[i] = v;
    }
    return v;
  }
}
