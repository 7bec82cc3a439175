package dev.segments.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segments.TestSpark;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD against values worked out independently of {@link BgNbd}: the likelihood from its
 * definition with the gamma and beta function ratios written as plain products, the published CDNOW
 * log-likelihood and conditional expectation, and finite differences.
 */
class BgNbdTest {
  private static final BgNbd.Params P = Cdnow.PUBLISHED_BGNBD;
  private static final double R = P.r();
  private static final double ALPHA = P.alpha();
  private static final double A = P.a();
  private static final double B = P.b();

  @Test
  void likelihoodWithoutRepeatPurchases() {
    // x = 0: L = Γ(r)α^r/Γ(r) * B(a,b)/B(a,b) * (α+T)^-r, since the dropout term needs a purchase.
    double t = 38.86;
    double expected = Math.log(Math.pow(ALPHA / (ALPHA + t), R));
    assertThat(BgNbd.logLikelihood(P, 0, 0, t)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void likelihoodWithTwoRepeatPurchases() {
    // x = 2: Γ(r+2)/Γ(r) = r(r+1), B(a, b+2)/B(a, b) = b(b+1)/((a+b)(a+b+1)), so
    // L = r(r+1) α^r b(b+1)/((a+b)(a+b+1)) [(α+T)^-(r+2) + a/(b+1) (α+t_x)^-(r+2)].
    double tx = 30.43;
    double t = 38.86;
    double a1 = R * (R + 1) * Math.pow(ALPHA, R);
    double a2 = B * (B + 1) / ((A + B) * (A + B + 1));
    double a3 = Math.pow(ALPHA + t, -(R + 2));
    double a4 = A / (B + 1) * Math.pow(ALPHA + tx, -(R + 2));
    double expected = Math.log(a1 * a2 * (a3 + a4));
    assertThat(BgNbd.logLikelihood(P, 2, tx, t)).isCloseTo(expected, within(1e-12));
  }

  /** The closed form of {@link #likelihoodWithTwoRepeatPurchases} for any t_x and T. */
  private static double twoRepeats(double tx, double t) {
    double a1 = R * (R + 1) * Math.pow(ALPHA, R);
    double a2 = B * (B + 1) / ((A + B) * (A + B + 1));
    return Math.log(a1 * a2 * (Math.pow(ALPHA + t, -(R + 2)) + A / (B + 1) * Math.pow(ALPHA + tx, -(R + 2))));
  }

  private static double noRepeats(double t) {
    return Math.log(Math.pow(ALPHA / (ALPHA + t), R));
  }

  @Test
  void termsKeptAcrossRowsGiveEachRowItsOwnLikelihood() {
    // One Terms object serves a whole partition and keeps the per-x values it computed: rows with
    // x = 2 and x = 0 interleaved must each still get their own closed-form value.
    BgNbd.Terms terms = new BgNbd.Terms(new double[] {R, ALPHA, A, B});
    double[][] rows = {{2, 30.43, 38.86}, {0, 0, 20}, {2, 10, 50}, {0, 0, 38.86}, {2, 1, 2}};
    for (double[] row : rows) {
      double expected = row[0] == 0 ? noRepeats(row[2]) : twoRepeats(row[1], row[2]);
      assertThat(terms.evaluate(row[0], row[1], row[2], null)).as("row %s", List.of(row[0], row[1], row[2]))
          .isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void likelihoodSumOverPartitionsIsTheWeightedSumOfItsRows() {
    // {x, t_x, T, customers} over three partitions; the answer is the closed forms weighted by hand.
    List<double[]> rows =
        List.of(
            new double[] {2, 30.43, 38.86, 3}, new double[] {0, 0, 20, 5}, new double[] {2, 10, 50, 1},
            new double[] {0, 0, 38.86, 2}, new double[] {2, 1, 2, 4});
    double expected =
        3 * twoRepeats(30.43, 38.86) + 5 * noRepeats(20) + twoRepeats(10, 50) + 2 * noRepeats(38.86)
            + 4 * twoRepeats(1, 2);
    JavaRDD<double[]> rdd = JavaSparkContext.fromSparkContext(TestSpark.spark().sparkContext()).parallelize(rows, 3);
    double[] sum = LikelihoodSum.sum(rdd, new double[] {R, ALPHA, A, B}, BgNbd.Terms::new);
    assertThat(sum).hasSize(5);
    assertThat(sum[0]).isCloseTo(expected, within(1e-9));
    double[] g = BgNbd.gradient(P, 2, 30.43, 38.86);
    double[] alone = LikelihoodSum.sum(rdd.filter(r -> r[1] == 30.43), new double[] {R, ALPHA, A, B}, BgNbd.Terms::new);
    assertThat(alone[4]).isCloseTo(3 * B * g[3], within(1e-9));
  }

  @Test
  void likelihoodOfLongHistoriesStaysFinite() {
    // (α+T)^-(r+x) underflows a double for x = 400 over 10 years; its logarithm does not.
    double ll = BgNbd.logLikelihood(P, 400, 519, 520);
    assertThat(ll).isFinite().isNegative();
  }

  @Test
  void publishedLogLikelihoodOnThePublishedSummary() {
    // FHL 2005 report -9582.4 at their estimates, over the 2357 sample customers.
    double total = 0;
    for (Cdnow.Summary s : Cdnow.publishedSummary().values()) {
      total += BgNbd.logLikelihood(P, s.x(), s.tx(), s.t());
    }
    assertThat(total).isCloseTo(Cdnow.PUBLISHED_BGNBD_LOG_LIKELIHOOD, within(0.5));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[][] customers = {{0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {7, 35.1, 36.0}};
    double[] theta = {R, ALPHA, A, B};
    for (double[] c : customers) {
      double[] g = BgNbd.gradient(P, c[0], c[1], c[2]);
      for (int i = 0; i < 4; i++) {
        double h = 1e-6 * theta[i];
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += h;
        down[i] -= h;
        double numeric =
            (BgNbd.logLikelihood(BgNbd.Params.of(up), c[0], c[1], c[2])
                    - BgNbd.logLikelihood(BgNbd.Params.of(down), c[0], c[1], c[2]))
                / (2 * h);
        assertThat(g[i])
            .as("x=%s parameter %d", c[0], i)
            .isCloseTo(numeric, within(1e-6 * Math.max(1, Math.abs(numeric))));
      }
    }
  }

  @Test
  void weightedTermUsesLogParameterGradient() {
    double[] sum = new double[5];
    BgNbd.addTerm(new double[] {2, 30.43, 38.86, 3}, new double[] {R, ALPHA, A, B}, sum);
    double[] g = BgNbd.gradient(P, 2, 30.43, 38.86);
    assertThat(sum[0]).isCloseTo(3 * BgNbd.logLikelihood(P, 2, 30.43, 38.86), within(1e-9));
    assertThat(sum[2]).isCloseTo(3 * ALPHA * g[1], within(1e-9));
  }

  @Test
  void publishedConditionalExpectation() {
    // FHL 2005, section 5: a customer with x = 2, t_x = 30.43, T = 38.86 (ID 1 of the sample
    // summary)
    // expects 1.226 purchases in the next 39 weeks; the BTYD package's vignette gives the same
    // value.
    assertThat(BgNbd.expectedPurchases(P, 39, 2, 30.43, 38.86)).isCloseTo(1.226, within(0.0005));
  }

  @Test
  void expectedPurchasesStartAtTheRateOfAnAliveCustomer() {
    // For a short horizon h, E[Y(h)] ≈ P(alive) * E[λ | x, T] * h, with the gamma posterior mean
    // rate (r + x) / (α + T): an identity that needs no hypergeometric function.
    double h = 1e-4;
    for (double[] c : new double[][] {{0, 0, 38.86}, {2, 30.43, 38.86}, {5, 10, 38}}) {
      double rate = (R + c[0]) / (ALPHA + c[2]);
      double expected = BgNbd.pAlive(P, c[0], c[1], c[2]) * rate * h;
      assertThat(BgNbd.expectedPurchases(P, h, c[0], c[1], c[2]))
          .as("x=%s", c[0])
          .isCloseTo(expected, within(1e-3 * expected));
    }
    assertThat(BgNbd.expectedPurchases(P, 0, 2, 30.43, 38.86)).isZero();
  }

  @Test
  void probabilityAlive() {
    // FHL 2005 eq. 11: 1 / (1 + [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).
    double expected = 1 / (1 + A / (B + 1) * Math.pow((ALPHA + 38.86) / (ALPHA + 30.43), R + 2));
    assertThat(BgNbd.pAlive(P, 2, 30.43, 38.86)).isCloseTo(expected, within(1e-12));
    assertThat(expected).isCloseTo(0.7266, within(1e-4));
    // Dropout only happens right after a purchase, so a customer without repeat purchases is alive.
    assertThat(BgNbd.pAlive(P, 0, 0, 38.86)).isEqualTo(1.0);
  }

  @Test
  void discountedPurchasesTelescopeWithoutDiscount() {
    double months = 12;
    double undiscounted = BgNbd.discountedPurchases(P, 12, 0.0, 2, 30.43, 38.86);
    assertThat(undiscounted)
        .isCloseTo(
            BgNbd.expectedPurchases(P, months * BgNbd.WEEKS_PER_MONTH, 2, 30.43, 38.86),
            within(1e-12));
    double discounted = BgNbd.discountedPurchases(P, 12, 0.01, 2, 30.43, 38.86);
    assertThat(discounted)
        .isLessThan(undiscounted)
        .isGreaterThan(undiscounted / Math.pow(1.01, 12));
  }
}
