package dev.segments.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BfgsTest {
  @Test
  void findsTheRosenbrockMinimum() {
    // f = (1 - u)^2 + 100 (v - u^2)^2, minimum 0 at (1, 1): the classic curved valley.
    Bfgs.Objective rosenbrock =
        p -> {
          double u = p[0];
          double v = p[1];
          return new double[] {
            (1 - u) * (1 - u) + 100 * (v - u * u) * (v - u * u),
            -2 * (1 - u) - 400 * u * (v - u * u),
            200 * (v - u * u)
          };
        };
    Bfgs.Result r = Bfgs.minimise(rosenbrock, new double[] {-1.2, 1}, 1e-10, 200, 2, 30);
    assertThat(r.converged()).as(r.message()).isTrue();
    assertThat(r.point()[0]).isCloseTo(1, within(1e-6));
    assertThat(r.point()[1]).isCloseTo(1, within(1e-6));
  }

  @Test
  void reportsADivergingCoordinate() {
    // exp(-u) decreases for ever: no finite minimum.
    Bfgs.Result r =
        Bfgs.minimise(
            p -> new double[] {Math.exp(-p[0]), -Math.exp(-p[0])},
            new double[] {0},
            1e-12,
            500,
            2,
            20);
    assertThat(r.converged()).isFalse();
    assertThat(r.message()).startsWith("a parameter diverged");
  }
}
