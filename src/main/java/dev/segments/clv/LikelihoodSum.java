package dev.segments.clv;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * A log-likelihood and its gradient summed over a table of weighted rows by one Spark job. The rows
 * stay on the executors; the driver receives one partial sum per partition, as Spark's own MLlib
 * optimisers do, and adds them in partition order, so the sum does not depend on which task
 * finished first.
 */
final class LikelihoodSum {
  private LikelihoodSum() {}

  /** A model's terms at fixed parameters, made once per partition and step. */
  interface Term extends Serializable {
    Evaluator at(double[] params);
  }

  /** Adds one row's weighted log-likelihood and gradient into {value, g0, g1, ...}. */
  interface Evaluator {
    void add(double[] row, double[] sum);
  }

  /** The sums {log-likelihood, gradient...} for these parameters. */
  static double[] sum(JavaRDD<double[]> rows, double[] params, Term term) {
    double[] p = params.clone();
    int width = p.length + 1;
    List<double[]> partials =
        rows.mapPartitions(
                (Iterator<double[]> it) -> {
                  Evaluator evaluator = term.at(p);
                  double[] acc = new double[width];
                  while (it.hasNext()) {
                    evaluator.add(it.next(), acc);
                  }
                  return List.of(acc).iterator();
                })
            .collect();
    double[] total = new double[width];
    for (double[] partial : partials) {
      for (int i = 0; i < width; i++) {
        total[i] += partial[i];
      }
    }
    return total;
  }
}
