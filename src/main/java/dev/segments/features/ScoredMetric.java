package dev.segments.features;

import dev.segments.Columns;

/**
 * A feature scored 1..5 by quintile breakpoints. Reversed metrics give 5 to the lowest values (the
 * most recent customers, the lowest return rates).
 */
public enum ScoredMetric {
  RECENCY("recency", Columns.RECENCY_DAYS, Columns.R_SCORE, true),
  FREQUENCY("frequency", Columns.FREQUENCY, Columns.F_SCORE, false),
  MONETARY("monetary", Columns.MONETARY, Columns.M_SCORE, false),
  ORDER_VALUE("order_value", Columns.AVG_ORDER_VALUE, Columns.AOV_SCORE, false),
  COST("cost", Columns.RETURN_RATE, Columns.COST_SCORE, true),
  TENURE("tenure", Columns.TENURE_DAYS, Columns.TENURE_SCORE, false);

  private final String label;
  private final String column;
  private final String scoreColumn;
  private final boolean reversed;

  ScoredMetric(String label, String column, String scoreColumn, boolean reversed) {
    this.label = label;
    this.column = column;
    this.scoreColumn = scoreColumn;
    this.reversed = reversed;
  }

  public String label() {
    return label;
  }

  public String column() {
    return column;
  }

  public String scoreColumn() {
    return scoreColumn;
  }

  public boolean reversed() {
    return reversed;
  }
}
