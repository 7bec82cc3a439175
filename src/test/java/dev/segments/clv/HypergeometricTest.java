package dev.segments.clv;

import static dev.segments.clv.Hypergeometric.hyp2f1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/** 2F1 against closed forms (Abramowitz and Stegun 15.1.3, 15.1.8, 15.1.6) and Euler's integral. */
class HypergeometricTest {
  @Test
  void logarithmCase() {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    for (double z : new double[] {1e-6, 0.1, 0.5, 0.9, 0.99, 0.999}) {
      double expected = -Math.log1p(-z) / z;
      assertThat(hyp2f1(1, 1, 2, z)).as("z=%s", z).isCloseTo(expected, within(1e-12 * expected));
    }
  }

  @Test
  void binomialCase() {
    // 2F1(a, b; b; z) = (1 - z)^-a
    for (double z : new double[] {0.05, 0.3, 0.8, 0.95}) {
      double expected = Math.pow(1 - z, -2.243);
      assertThat(hyp2f1(2.243, 4.426, 4.426, z))
          .as("z=%s", z)
          .isCloseTo(expected, within(1e-12 * expected));
    }
  }

  @Test
  void termsBeyondTheRangeOfADoubleAreRescaled() {
    // (1 - z)^-a with a = 300, z = 0.9 is 1e300: the partial sums pass 2^600 and are rescaled on the way.
    double expected = Math.pow(0.1, -300);
    assertThat(hyp2f1(300, 4.426, 4.426, 0.9)).isCloseTo(expected, within(1e-10 * expected));
    // 1e400 is beyond a double, as it was when the series was summed in logs.
    assertThat(hyp2f1(400, 4.426, 4.426, 0.9)).isInfinite();
  }

  @Test
  void arcsineCase() {
    // 2F1(1/2, 1/2; 3/2; z^2) = arcsin(z) / z
    double z = 0.7;
    assertThat(hyp2f1(0.5, 0.5, 1.5, z * z)).isCloseTo(Math.asin(z) / z, within(1e-13));
  }

  @Test
  void terminatingSeriesWithSignChanges() {
    // A negative integer a leaves a polynomial: 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)).
    double b = 3.5;
    double c = 1.25;
    double z = 0.6;
    double expected = 1 - 2 * b * z / c + b * (b + 1) * z * z / (c * (c + 1));
    assertThat(hyp2f1(-2, b, c, z)).isCloseTo(expected, within(1e-13));
  }

  @Test
  void agreesWithEulersIntegralAtABgNbdArgument() {
    // The argument of the published CDNOW example (x = 2, T = 38.86, 39 weeks ahead):
    // 2F1(a, b; c; z) = Γ(c) / (Γ(b) Γ(c - b)) ∫ t^(b-1) (1-t)^(c-b-1) (1-zt)^-a dt, c > b > 0,
    // taking b = r + x (2F1 is symmetric in a and b) so that c - b > 0.
    double a = 2.426 + 2;
    double b = 0.243 + 2;
    double c = 0.793 + 2.426 + 2 - 1;
    double z = 39 / (4.414 + 38.86 + 39);
    int n = 200_000;
    double h = 1.0 / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double t = i * h;
      double f = Math.pow(t, b - 1) * Math.pow(1 - t, c - b - 1) * Math.pow(1 - z * t, -a);
      sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
    }
    double integral = sum * h / 3;
    double expected =
        Math.exp(Gamma.logGamma(c) - Gamma.logGamma(b) - Gamma.logGamma(c - b)) * integral;
    assertThat(hyp2f1(a, b, c, z)).isCloseTo(expected, within(1e-7 * expected));
  }

  @Test
  void outsideTheSupportedRange() {
    assertThat(hyp2f1(1, 1, 2, 0)).isEqualTo(1.0);
    assertThat(hyp2f1(1, 1, 2, 1)).isNaN();
    assertThat(hyp2f1(1, 1, 2, -0.5)).isNaN();
    assertThat(hyp2f1(1, 1, -3, 0.5)).isNaN();
  }
}
