package dev.segments.clv;

import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static dev.segments.Columns.T_WEEKS;
import static dev.segments.Columns.T_X_WEEKS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The BG/NBD model of Fader, Hardie and Lee (2005, "Counting your customers the easy way"):
 * purchases follow a Poisson process with a gamma(r, alpha) rate across customers, and after each
 * purchase a customer drops out with a beta(a, b) probability. Time is in weeks. Fitted by maximum
 * likelihood over the per-customer summaries of {@link ClvInputs}.
 */
public final class BgNbd {
  private BgNbd() {}

  /** The four population parameters. */
  public record Params(double r, double alpha, double a, double b) implements Serializable {
    double[] values() {
      return new double[] {r, alpha, a, b};
    }

    static Params of(double[] values) {
      return new Params(values[0], values[1], values[2], values[3]);
    }
  }

  /**
   * An optimiser outcome: the parameters reached, the total log-likelihood there and, unless {@code
   * converged}, why not.
   */
  public record Fit(
      Params params,
      double logLikelihood,
      int iterations,
      int evaluations,
      boolean converged,
      String message) {}

  static final double RELATIVE_TOLERANCE = 1e-7;
  static final int MAX_ITERATIONS = 200;

  /**
   * Parameters are fitted on scales where they are of order 1 (weeks for BG/NBD, money over the
   * customers' mean for Gamma-Gamma). One beyond e^±10 (22,026 or its reciprocal: a shape parameter
   * that large, or one purchase per four centuries) is the optimiser following a likelihood that
   * keeps rising towards the edge of the parameter space, as it does on data too small or too
   * regular to identify the model; it is reported as not converged rather than as a fit.
   */
  static final double LOG_BOUND = 10;

  /**
   * One customer's log-likelihood (FHL 2005, eq. 6), in log space: ln A1 + ln A2 + ln(e^A3 + [x >
   * 0] e^A4), the last by log-sum-exp so that neither term underflows for long histories.
   */
  public static double logLikelihood(Params p, double x, double tx, double t) {
    return evaluate(p.r, p.alpha, p.a, p.b, x, tx, t, null);
  }

  /** The gradient of {@link #logLikelihood} with respect to (r, alpha, a, b). */
  public static double[] gradient(Params p, double x, double tx, double t) {
    double[] g = new double[4];
    evaluate(p.r, p.alpha, p.a, p.b, x, tx, t, g);
    return g;
  }

  private static double evaluate(
      double r, double alpha, double a, double b, double x, double tx, double t, double[] grad) {
    return new Terms(new double[] {r, alpha, a, b}).evaluate(x, tx, t, grad);
  }

  /**
   * The terms at fixed parameters. What depends on the parameters alone, or on them and x (the
   * log-gamma and digamma values), is computed once, not once per row: a fit sums every distinct
   * (x, t_x, T) at each step, and x takes few values.
   */
  static final class Terms implements LikelihoodSum.Evaluator {
    private final double r;
    private final double alpha;
    private final double a;
    private final double b;
    private final double lgR;
    private final double lgAb;
    private final double lgB;
    private final double logAlpha;
    private final double logA;
    private final double psiR;
    private final double psiAb;
    private final double psiB;
    /** Per x: lnΓ(r+x), lnΓ(b+x), lnΓ(a+b+x), ln(b+x-1), ψ(r+x), ψ(b+x), ψ(a+b+x). */
    private final PerX perX;

    Terms(double[] params) {
      r = params[0];
      alpha = params[1];
      a = params[2];
      b = params[3];
      lgR = Gamma.logGamma(r);
      lgAb = Gamma.logGamma(a + b);
      lgB = Gamma.logGamma(b);
      logAlpha = Math.log(alpha);
      logA = Math.log(a);
      psiR = Gamma.digamma(r);
      psiAb = Gamma.digamma(a + b);
      psiB = Gamma.digamma(b);
      perX =
          new PerX(
              x ->
                  new double[] {
                    Gamma.logGamma(r + x),
                    Gamma.logGamma(b + x),
                    Gamma.logGamma(a + b + x),
                    Math.log(b + x - 1),
                    Gamma.digamma(r + x),
                    Gamma.digamma(b + x),
                    Gamma.digamma(a + b + x)
                  });
    }

    double evaluate(double x, double tx, double t, double[] grad) {
      double[] v = perX.at(x);
      double a1 = v[0] - lgR + r * logAlpha;
      double a2 = lgAb + v[1] - lgB - v[2];
      double logAlphaT = Math.log(alpha + t);
      double logAlphaTx = x > 0 ? Math.log(alpha + tx) : 0;
      double a3 = -(r + x) * logAlphaT;
      double a4 = x > 0 ? logA - v[3] - (r + x) * logAlphaTx : Double.NEGATIVE_INFINITY;
      double tail = Hypergeometric.logAddExp(a3, a4);
      if (grad != null) {
        // d/dθ ln(e^A3 + e^A4) = w3 dA3/dθ + w4 dA4/dθ with the weights w = e^(A - tail).
        double w3 = Math.exp(a3 - tail);
        double w4 = x > 0 ? Math.exp(a4 - tail) : 0;
        grad[0] = v[4] - psiR + logAlpha - w3 * logAlphaT - (x > 0 ? w4 * logAlphaTx : 0);
        grad[1] = r / alpha - w3 * (r + x) / (alpha + t) - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0);
        grad[2] = psiAb - v[6] + w4 / a;
        grad[3] = psiAb + v[5] - psiB - v[6] - (x > 0 ? w4 / (b + x - 1) : 0);
      }
      return a1 + a2 + tail;
    }

    /**
     * Adds the log-likelihood of {x, t_x, T, customers} and its gradient with respect to the
     * log-parameters (the optimiser's coordinates: dℓ/d ln θ = θ dℓ/dθ).
     */
    @Override
    public void add(double[] row, double[] sum) {
      double weight = row[3];
      double[] g = new double[4];
      sum[0] += weight * evaluate(row[0], row[1], row[2], g);
      sum[1] += weight * r * g[0];
      sum[2] += weight * alpha * g[1];
      sum[3] += weight * a * g[2];
      sum[4] += weight * b * g[3];
    }
  }

  static void addTerm(double[] row, double[] params, double[] sum) {
    new Terms(params).add(row, sum);
  }

  /**
   * Maximum likelihood over the customers of {@code inputs} (columns repeat_purchases, t_x_weeks,
   * t_weeks). Customers with the same (x, t_x, T) share one likelihood term, so Spark first counts
   * them by that triple; each optimiser step then sums the likelihood over the triples in one Spark
   * aggregation. Only the four parameters and the sums live on the driver.
   */
  public static Fit fit(Dataset<Row> inputs) {
    Dataset<Row> groups =
        inputs
            .groupBy(col(REPEAT_PURCHASES), col(T_X_WEEKS), col(T_WEEKS))
            .agg(count(lit(1)).as(CUSTOMERS));
    JavaRDD<double[]> rows =
        groups
            .toJavaRDD()
            .map(
                r ->
                    new double[] {
                      ((Number) r.get(0)).doubleValue(),
                      r.getDouble(1),
                      r.getDouble(2),
                      r.getLong(3)
                    })
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      if (rows.isEmpty()) {
        return new Fit(null, Double.NaN, 0, 0, false, "no customers");
      }
      // A deterministic start at r = alpha = a = b = 1: unit-free for a, b, and for r / alpha a
      // rate of one purchase a week, within a few e-folds of any retail data measured in weeks.
      Bfgs.Result result =
          Bfgs.minimise(
              u -> negated(LikelihoodSum.sum(rows, expAll(u), Terms::new)),
              new double[4],
              RELATIVE_TOLERANCE,
              MAX_ITERATIONS,
              2.0,
              LOG_BOUND);
      Params params = Params.of(expAll(result.point()));
      return new Fit(
          params,
          -result.value(),
          result.iterations(),
          result.evaluations(),
          result.converged(),
          result.converged() ? result.message() : result.message() + " at " + params);
    } finally {
      rows.unpersist(false);
    }
  }

  /** P(alive | x, t_x, T) (FHL 2005, eq. 11); 1 when x = 0, since dropout follows a purchase. */
  public static double pAlive(Params p, double x, double tx, double t) {
    if (x == 0) {
      return 1.0;
    }
    double logOdds =
        Math.log(p.a)
            - Math.log(p.b + x - 1)
            + (p.r + x) * (Math.log(p.alpha + t) - Math.log(p.alpha + tx));
    return 1 / (1 + Math.exp(logOdds));
  }

  /** {@link #pAlive} as a Spark expression over repeat_purchases, t_x_weeks and t_weeks. */
  public static Column pAlive(Params p) {
    Column x = col(REPEAT_PURCHASES).cast(DataTypes.DoubleType);
    Column logOdds =
        lit(Math.log(p.a))
            .minus(log(lit(p.b).plus(x).minus(1)))
            .plus(
                lit(p.r)
                    .plus(x)
                    .multiply(
                        log(lit(p.alpha).plus(col(T_WEEKS)))
                            .minus(log(lit(p.alpha).plus(col(T_X_WEEKS))))));
    return when(x.gt(0), lit(1.0).divide(lit(1.0).plus(exp(logOdds)))).otherwise(lit(1.0));
  }

  /**
   * E[Y(t) | x, t_x, T], the expected purchases in the next t weeks (FHL 2005, eq. 10):
   *
   * <pre>
   *   (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
   *   / (1 + [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x))
   * </pre>
   *
   * NaN where it is undefined (a = 1) or the series did not converge.
   */
  public static double expectedPurchases(Params p, double horizon, double x, double tx, double t) {
    if (horizon == 0) {
      return 0.0;
    }
    double z = horizon / (p.alpha + t + horizon);
    double f = Hypergeometric.hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z);
    // 1 - u^(r+x) F, with u^(r+x) F formed in logs and 1 - e^L by expm1: no cancellation for short
    // horizons, where both are close to 1.
    double bracket =
        -Math.expm1((p.r + x) * Math.log((p.alpha + t) / (p.alpha + t + horizon)) + Math.log(f));
    double numerator = (p.a + p.b + x - 1) / (p.a - 1) * bracket;
    double denominator =
        1
            + (x > 0
                ? Math.exp(
                    Math.log(p.a)
                        - Math.log(p.b + x - 1)
                        + (p.r + x) * (Math.log(p.alpha + t) - Math.log(p.alpha + tx)))
                : 0);
    return numerator / denominator;
  }

  /** Weeks in an average month (365.25 / 12 days). */
  public static final double WEEKS_PER_MONTH = 365.25 / 12 / 7;

  /**
   * Expected purchases month by month, each discounted: sum over m = 1..months of (E[Y(m w)] -
   * E[Y((m-1) w)]) / (1 + monthlyRate)^m, with w weeks per month.
   */
  public static double discountedPurchases(
      Params p, int months, double monthlyRate, double x, double tx, double t) {
    double total = 0;
    double previous = 0;
    for (int m = 1; m <= months; m++) {
      double cumulative = expectedPurchases(p, m * WEEKS_PER_MONTH, x, tx, t);
      total += (cumulative - previous) / Math.pow(1 + monthlyRate, m);
      previous = cumulative;
    }
    return total;
  }

  /**
   * {@link #expectedPurchases} over the next {@code horizon} weeks as a Spark column: a Java UDF,
   * because 2F1 is a series, evaluated where the rows are.
   */
  public static Column expectedPurchases(Params p, double horizon) {
    UDF3<Long, Double, Double, Double> f =
        (x, tx, t) ->
            x == null || tx == null || t == null
                ? null
                : finite(expectedPurchases(p, horizon, x, tx, t));
    return udf(f, DataTypes.DoubleType).apply(col(REPEAT_PURCHASES), col(T_X_WEEKS), col(T_WEEKS));
  }

  /** {@link #discountedPurchases} as a Spark column (a Java UDF, as for expected purchases). */
  public static Column discountedPurchases(Params p, int months, double monthlyRate) {
    UDF3<Long, Double, Double, Double> f =
        (x, tx, t) ->
            x == null || tx == null || t == null
                ? null
                : finite(discountedPurchases(p, months, monthlyRate, x, tx, t));
    return udf(f, DataTypes.DoubleType).apply(col(REPEAT_PURCHASES), col(T_X_WEEKS), col(T_WEEKS));
  }

  static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  static double[] expAll(double[] u) {
    double[] out = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      out[i] = Math.exp(u[i]);
    }
    return out;
  }

  /** A log-likelihood sum {ℓ, ∇ℓ} as the minimiser's {-ℓ, -∇ℓ}. */
  static double[] negated(double[] sum) {
    double[] out = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      out[i] = -sum[i];
    }
    return out;
  }
}
