package dev.segments.compare;

import java.util.HashMap;
import java.util.Map;

/**
 * Agreement between two labellings of the same customers, from their contingency table (counts per
 * pair of labels): the adjusted Rand index and normalised mutual information (arithmetic mean
 * normalisation, as scikit-learn's default). Both are 1 for identical partitions.
 */
public final class Agreement {
  private Agreement() {}

  /** Counts per (row label, column label). */
  public static final class Table {
    private final Map<String, Map<String, Long>> cells = new HashMap<>();

    public Table add(String row, String column, long count) {
      cells.computeIfAbsent(row, r -> new HashMap<>()).merge(column, count, Long::sum);
      return this;
    }

    Map<String, Long> rowTotals() {
      Map<String, Long> totals = new HashMap<>();
      cells.forEach((r, cols) -> cols.values().forEach(v -> totals.merge(r, v, Long::sum)));
      return totals;
    }

    Map<String, Long> columnTotals() {
      Map<String, Long> totals = new HashMap<>();
      cells.values().forEach(cols -> cols.forEach((c, v) -> totals.merge(c, v, Long::sum)));
      return totals;
    }

    long total() {
      return rowTotals().values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static double pairs(double n) {
    return n * (n - 1) / 2;
  }

  public static double adjustedRandIndex(Table t) {
    double n = t.total();
    double sumCells = 0;
    for (Map<String, Long> cols : t.cells.values()) {
      for (long v : cols.values()) {
        sumCells += pairs(v);
      }
    }
    double sumRows = t.rowTotals().values().stream().mapToDouble(v -> pairs(v)).sum();
    double sumCols = t.columnTotals().values().stream().mapToDouble(v -> pairs(v)).sum();
    double expected = n < 2 ? 0 : sumRows * sumCols / pairs(n);
    double max = (sumRows + sumCols) / 2;
    if (max == expected) {
      // Both partitions trivial (one group, or all singletons): they agree perfectly.
      return 1.0;
    }
    return (sumCells - expected) / (max - expected);
  }

  public static double normalizedMutualInformation(Table t) {
    double n = t.total();
    Map<String, Long> rows = t.rowTotals();
    Map<String, Long> cols = t.columnTotals();
    if (n == 0 || (rows.size() == 1 && cols.size() == 1)) {
      return 1.0;
    }
    double mi = 0;
    for (var row : t.cells.entrySet()) {
      for (var cell : row.getValue().entrySet()) {
        double nij = cell.getValue();
        if (nij > 0) {
          mi += nij / n * Math.log(n * nij / ((double) rows.get(row.getKey()) * cols.get(cell.getKey())));
        }
      }
    }
    double hRows = entropy(rows, n);
    double hCols = entropy(cols, n);
    double normaliser = (hRows + hCols) / 2;
    if (normaliser <= 0) {
      return 1.0;
    }
    return Math.max(0.0, Math.min(1.0, mi / normaliser));
  }

  private static double entropy(Map<String, Long> totals, double n) {
    double h = 0;
    for (long v : totals.values()) {
      if (v > 0) {
        h -= v / n * Math.log(v / n);
      }
    }
    return h;
  }
}
