package dev.segments.clv;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;

/**
 * A log-likelihood and its gradient summed over a table of weighted rows by one Spark aggregation.
 * The rows stay on the executors; the driver receives one partial sum per partition, as Spark's own
 * MLlib optimisers do.
 */
final class LikelihoodSum {
  private LikelihoodSum() {}

  /** Adds one row's weighted log-likelihood and gradient into {value, g0, g1, ...}. */
  interface Term extends Serializable {
    void add(double[] row, double[] params, double[] sum);
  }

  /** The sums {log-likelihood, gradient...} for these parameters. */
  static double[] sum(JavaRDD<double[]> rows, double[] params, Term term) {
    double[] zero = new double[params.length + 1];
    double[] p = params.clone();
    return rows.treeAggregate(
        zero,
        (acc, row) -> {
          term.add(row, p, acc);
          return acc;
        },
        (left, right) -> {
          for (int i = 0; i < left.length; i++) {
            left[i] += right[i];
          }
          return left;
        });
  }
}
