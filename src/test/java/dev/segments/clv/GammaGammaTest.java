package dev.segments.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

class GammaGammaTest {
  private static final GammaGamma.Params P = Cdnow.PUBLISHED_GAMMA_GAMMA;

  /**
   * The density of the mean of x gamma(p, ν) values, a gamma(px, xν), mixed over ν ~ gamma(q, γ) by
   * numerical integration: the model's definition rather than its closed form.
   */
  private static double mixtureDensity(double x, double m) {
    double p = P.p();
    double q = P.q();
    double g = P.gamma();
    int n = 400_000;
    double upper =
        5.0; // ν beyond 5 per dollar carries no mass here: its prior is gamma(3.74, 15.44)
    double h = upper / n;
    double meanNorm = (p * x - 1) * Math.log(m) - Gamma.logGamma(p * x);
    double priorNorm = q * Math.log(g) - Gamma.logGamma(q);
    double sum = 0;
    for (int i = 1; i <= n; i++) {
      double nu = i * h;
      double logMean = p * x * Math.log(x * nu) - x * nu * m + meanNorm;
      double logPrior = (q - 1) * Math.log(nu) - g * nu + priorNorm;
      sum += Math.exp(logMean + logPrior) * (i == n ? 1 : (i % 2 == 1 ? 4 : 2));
    }
    return sum * h / 3;
  }

  @Test
  void likelihoodIsTheGammaMixtureDensity() {
    for (double[] c : new double[][] {{1, 11.77}, {2, 22.35}, {5, 40.0}}) {
      assertThat(GammaGamma.logLikelihood(P, c[0], c[1]))
          .as("x=%s m=%s", c[0], c[1])
          .isCloseTo(Math.log(mixtureDensity(c[0], c[1])), within(1e-6));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] theta = {P.p(), P.q(), P.gamma()};
    for (double[] c : new double[][] {{1, 11.77}, {2, 22.35}, {9, 80.5}}) {
      double[] g = GammaGamma.gradient(P, c[0], c[1]);
      for (int i = 0; i < 3; i++) {
        double h = 1e-6 * theta[i];
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += h;
        down[i] -= h;
        double numeric =
            (GammaGamma.logLikelihood(GammaGamma.Params.of(up), c[0], c[1])
                    - GammaGamma.logLikelihood(GammaGamma.Params.of(down), c[0], c[1]))
                / (2 * h);
        assertThat(g[i]).as("x=%s parameter %d", c[0], i).isCloseTo(numeric, within(1e-6));
      }
    }
  }

  @Test
  void expectedOrderValueByHand() {
    // A credibility-weighted mean: weight w = px / (px + q - 1) on the customer's own mean m, the
    // rest on the population mean pγ / (q - 1). CDNOW customer 1: x = 2, m = 22.35.
    double p = 6.25;
    double q = 3.74;
    double g = 15.44;
    double population = p * g / (q - 1); // 35.2190
    double w = p * 2 / (p * 2 + q - 1); // 0.8202
    double expected = (1 - w) * population + w * 22.35;
    assertThat(expected).isCloseTo(24.6637, within(1e-4));
    assertThat(GammaGamma.expectedOrderValue(P, 2, 22.35)).isCloseTo(expected, within(1e-10));
    // Without repeat purchases, or with a mean that is not positive, only the population mean is
    // left.
    assertThat(GammaGamma.expectedOrderValue(P, 0, null)).isCloseTo(population, within(1e-10));
    assertThat(GammaGamma.expectedOrderValue(P, 3, -5.0)).isCloseTo(population, within(1e-10));
    // q <= 1: the population mean is infinite.
    assertThat(GammaGamma.expectedOrderValue(new GammaGamma.Params(6.25, 0.9, 15.44), 0, null))
        .isNaN();
  }
}
