package dev.segments.clv;

import java.util.Arrays;

/**
 * Minimises a smooth function of a few variables on the driver: BFGS with a backtracking (Armijo)
 * line search. Each evaluation is one Spark pass over the data, so a quasi-Newton method that needs
 * about one evaluation per iteration beats a derivative-free one or a conjugate gradient with an
 * exact line search, which need tens.
 */
final class Bfgs {
  private Bfgs() {}

  /** The value and gradient at a point, as {value, g0, g1, ...}. */
  interface Objective {
    double[] valueAndGradient(double[] point);
  }

  /**
   * @param converged whether the gradient fell below the tolerance
   * @param message why it did not converge, or "converged"
   */
  record Result(
      double[] point,
      double value,
      double[] gradient,
      int iterations,
      int evaluations,
      boolean converged,
      String message) {}

  private static final double ARMIJO = 1e-4;
  private static final double MIN_STEP = 1e-12;

  /**
   * @param relativeTolerance converged when every gradient component is at most this times max(1,
   *     |value|): for a log-likelihood summed over n customers, a bound on the gradient per
   *     customer whatever n is
   * @param maxStep the largest change of one coordinate in one step: in log-parameter space a
   *     factor e^maxStep, which keeps trial points away from overflow
   * @param bound a coordinate beyond +-bound means the optimum is at infinity: the data do not
   *     identify the model
   */
  static Result minimise(
      Objective objective,
      double[] start,
      double relativeTolerance,
      int maxIterations,
      double maxStep,
      double bound) {
    int n = start.length;
    double[] u = start.clone();
    double[] fg = objective.valueAndGradient(u);
    int evaluations = 1;
    if (!finite(fg)) {
      return new Result(u, fg[0], gradient(fg), 0, evaluations, false, "not finite at the start");
    }
    double f = fg[0];
    double[] g = gradient(fg);
    double[][] h = identity(n);
    boolean scaled = false;
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      // Checked before convergence: far out, the likelihood is flat enough to pass the gradient
      // test.
      if (maxAbs(u) > bound) {
        return new Result(u, f, g, iteration, evaluations, false, "a parameter diverged");
      }
      double gradientTolerance = relativeTolerance * Math.max(1, Math.abs(f));
      if (maxAbs(g) <= gradientTolerance) {
        return new Result(u, f, g, iteration, evaluations, true, "converged");
      }
      double[] d = times(h, g);
      for (int i = 0; i < n; i++) {
        d[i] = -d[i];
      }
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // A lost curvature model: restart from steepest descent.
        h = identity(n);
        scaled = false;
        d = g.clone();
        for (int i = 0; i < n; i++) {
          d[i] = -d[i];
        }
        slope = dot(g, d);
      }
      double step = Math.min(1.0, maxStep / maxAbs(d));
      double[] next;
      double[] nextFg;
      while (true) {
        next = new double[n];
        for (int i = 0; i < n; i++) {
          next[i] = u[i] + step * d[i];
        }
        nextFg = objective.valueAndGradient(next);
        evaluations++;
        if (finite(nextFg) && nextFg[0] <= f + ARMIJO * step * slope) {
          break;
        }
        step /= 2;
        if (step < MIN_STEP) {
          // No decrease along a descent direction: f is flat to rounding here, which at a small
          // gradient is the optimum to working precision.
          boolean atOptimum = maxAbs(g) <= 100 * gradientTolerance;
          return new Result(
              u,
              f,
              g,
              iteration,
              evaluations,
              atOptimum,
              atOptimum ? "converged" : "line search failed (gradient " + maxAbs(g) + ")");
        }
      }
      double[] nextG = gradient(nextFg);
      double[] s = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = next[i] - u[i];
        y[i] = nextG[i] - g[i];
      }
      double sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        if (!scaled) {
          // Nocedal & Wright (6.20): size the first inverse Hessian from the first step.
          h = identity(n);
          double scale = sy / dot(y, y);
          for (int i = 0; i < n; i++) {
            h[i][i] = scale;
          }
          scaled = true;
        }
        h = update(h, s, y, sy);
      }
      u = next;
      f = nextFg[0];
      g = nextG;
    }
    return new Result(
        u,
        f,
        g,
        maxIterations,
        evaluations,
        maxAbs(g) <= relativeTolerance * Math.max(1, Math.abs(f)),
        "no convergence in " + maxIterations + " iterations (gradient " + maxAbs(g) + ")");
  }

  /** H' = (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / y's. */
  private static double[][] update(double[][] h, double[] s, double[] y, double sy) {
    int n = s.length;
    double rho = 1 / sy;
    double[] hy = times(h, y);
    double yhy = dot(y, hy);
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[i][j] =
            h[i][j] - rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
      }
    }
    return out;
  }

  private static double[] gradient(double[] fg) {
    return Arrays.copyOfRange(fg, 1, fg.length);
  }

  private static boolean finite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  private static double[] times(double[][] m, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = dot(m[i], v);
    }
    return out;
  }

  private static double dot(double[] u, double[] v) {
    double sum = 0;
    for (int i = 0; i < u.length; i++) {
      sum += u[i] * v[i];
    }
    return sum;
  }

  private static double maxAbs(double[] v) {
    double max = 0;
    for (double x : v) {
      max = Math.max(max, Math.abs(x));
    }
    return max;
  }
}
