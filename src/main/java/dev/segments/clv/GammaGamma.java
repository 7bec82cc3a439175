package dev.segments.clv;

import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.MEAN_REPEAT_VALUE;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader
 * and Hardie 2013, "The Gamma-Gamma model of monetary value"): a customer's transaction values are
 * gamma(p, ν) with ν gamma(q, γ) across customers. Fitted on repeat buyers by maximum likelihood of
 * their mean repeat value.
 */
public final class GammaGamma {
  private GammaGamma() {}

  /** The three population parameters. */
  public record Params(double p, double q, double gamma) implements Serializable {
    static Params of(double[] values) {
      return new Params(values[0], values[1], values[2]);
    }
  }

  /** An optimiser outcome, as {@link BgNbd.Fit}. */
  public record Fit(
      Params params,
      double logLikelihood,
      int iterations,
      int evaluations,
      boolean converged,
      String message) {}

  /**
   * Who informs the fit: repeat buyers whose repeat days are worth something. A mean repeat value
   * of zero or less (returns on the repeat days outweighing purchases) has no gamma density.
   */
  static final Column FITTED_ON = col(REPEAT_PURCHASES).gt(0).and(col(MEAN_REPEAT_VALUE).gt(0));

  /**
   * The log density of a customer's mean repeat value m over x repeat transactions: lnΓ(px+q) -
   * lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m + px ln x - (px+q) ln(γ + x m).
   */
  public static double logLikelihood(Params params, double x, double m) {
    return evaluate(params.p, params.q, params.gamma, x, m, null);
  }

  /** The gradient of {@link #logLikelihood} with respect to (p, q, γ). */
  public static double[] gradient(Params params, double x, double m) {
    double[] g = new double[3];
    evaluate(params.p, params.q, params.gamma, x, m, g);
    return g;
  }

  private static double evaluate(
      double p, double q, double gamma, double x, double m, double[] grad) {
    return new Terms(new double[] {p, q, gamma}).evaluate(x, m, grad);
  }

  /**
   * The terms at fixed parameters; the log-gamma and digamma values depend on the parameters and x
   * only and are computed once per x (see {@link BgNbd.Terms}).
   */
  static final class Terms implements LikelihoodSum.Evaluator {
    private final double p;
    private final double q;
    private final double gamma;
    private final double lgQ;
    private final double logGammaScale;
    private final double psiQ;
    /** Per x: lnΓ(px+q), lnΓ(px), ln x, ψ(px+q), ψ(px). */
    private final PerX perX;

    Terms(double[] params) {
      p = params[0];
      q = params[1];
      gamma = params[2];
      lgQ = Gamma.logGamma(q);
      logGammaScale = Math.log(gamma);
      psiQ = Gamma.digamma(q);
      perX =
          new PerX(
              x -> {
                double px = p * x;
                return new double[] {
                  Gamma.logGamma(px + q), Gamma.logGamma(px), Math.log(x), Gamma.digamma(px + q), Gamma.digamma(px)
                };
              });
    }

    double evaluate(double x, double m, double[] grad) {
      double[] v = perX.at(x);
      double px = p * x;
      double logScale = Math.log(gamma + x * m);
      double logM = Math.log(m);
      if (grad != null) {
        grad[0] = x * (v[3] - v[4] + logM + v[2] - logScale);
        grad[1] = v[3] - psiQ + logGammaScale - logScale;
        grad[2] = q / gamma - (px + q) / (gamma + x * m);
      }
      return v[0] - v[1] - lgQ + q * logGammaScale + (px - 1) * logM + px * v[2] - (px + q) * logScale;
    }

    /** Adds the weighted log-likelihood of {x, m, customers} and its log-parameter gradient. */
    @Override
    public void add(double[] row, double[] sum) {
      double weight = row[2];
      double[] g = new double[3];
      sum[0] += weight * evaluate(row[0], row[1], g);
      sum[1] += weight * p * g[0];
      sum[2] += weight * q * g[1];
      sum[3] += weight * gamma * g[2];
    }
  }

  /**
   * Maximum likelihood over the repeat buyers of {@code inputs} (columns repeat_purchases,
   * mean_repeat_value), summed by one Spark aggregation per optimiser step over the distinct (x, m)
   * pairs; only the three parameters live on the driver.
   */
  public static Fit fit(Dataset<Row> inputs) {
    Dataset<Row> fittedOn = inputs.where(FITTED_ON);
    Row size = fittedOn.agg(count(lit(1)), avg(col(MEAN_REPEAT_VALUE))).first();
    long buyers = size.getLong(0);
    if (buyers == 0) {
      return new Fit(null, Double.NaN, 0, 0, false, "no repeat buyers with a positive mean value");
    }
    // Values are fitted in units of their mean: γ scales with the currency while p and q do not, so
    // the start γ = 1 is near the optimum whatever the currency, and the divergence bound means the
    // same for every currency.
    double scale = size.getDouble(1);
    JavaRDD<double[]> rows =
        fittedOn
            .groupBy(col(REPEAT_PURCHASES), col(MEAN_REPEAT_VALUE))
            .agg(count(lit(1)).as(CUSTOMERS))
            .toJavaRDD()
            .map(
                r ->
                    new double[] {
                      ((Number) r.get(0)).doubleValue(), r.getDouble(1) / scale, r.getLong(2)
                    })
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // A deterministic start at p = q = γ = 1.
      Bfgs.Result result =
          Bfgs.minimise(
              u -> BgNbd.negated(LikelihoodSum.sum(rows, BgNbd.expAll(u), Terms::new)),
              new double[3],
              BgNbd.RELATIVE_TOLERANCE,
              BgNbd.MAX_ITERATIONS,
              2.0,
              BgNbd.LOG_BOUND);
      double[] fitted = BgNbd.expAll(result.point());
      Params params = new Params(fitted[0], fitted[1], fitted[2] * scale);
      // The density of m is that of m / scale divided by scale, once per customer.
      double logLikelihood = -result.value() - buyers * Math.log(scale);
      return new Fit(
          params,
          logLikelihood,
          result.iterations(),
          result.evaluations(),
          result.converged(),
          result.converged() ? result.message() : result.message() + " at " + params);
    } finally {
      rows.unpersist(false);
    }
  }

  /**
   * E[M | x, m] = p(γ + x m) / (px + q - 1): a weighted mean of the population mean pγ / (q - 1)
   * and the customer's own mean m, weighted towards m as x grows. Without a usable m (x = 0, or m
   * not positive) it is the population mean; NaN when that is infinite (q <= 1).
   */
  public static double expectedOrderValue(Params params, double x, Double m) {
    boolean usable = x > 0 && m != null && m > 0;
    double xe = usable ? x : 0;
    double me = usable ? m : 0;
    double denominator = params.p * xe + params.q - 1;
    return denominator > 0 ? params.p * (params.gamma + xe * me) / denominator : Double.NaN;
  }

  /**
   * {@link #expectedOrderValue} as a Spark expression over repeat_purchases and mean_repeat_value.
   */
  public static Column expectedOrderValue(Params params) {
    Column x = col(REPEAT_PURCHASES).cast(DataTypes.DoubleType);
    Column usable = coalesce(FITTED_ON, lit(false));
    Column xe = when(usable, x).otherwise(lit(0.0));
    Column me = when(usable, col(MEAN_REPEAT_VALUE)).otherwise(lit(0.0));
    Column denominator = lit(params.p).multiply(xe).plus(lit(params.q - 1));
    return when(
        denominator.gt(0),
        lit(params.p).multiply(lit(params.gamma).plus(xe.multiply(me))).divide(denominator));
  }
}
