package dev.segments.segment;

import static dev.segments.Columns.F_SCORE;
import static dev.segments.Columns.M_SCORE;
import static dev.segments.Columns.RFM_SEGMENT;
import static dev.segments.Columns.R_SCORE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.segments.config.RfmRule;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The classic RFM segment map: the first rule whose score ranges hold names the customer. */
public final class RfmSegments {
  private RfmSegments() {}

  public static Dataset<Row> assign(Dataset<Row> scored, List<RfmRule> map) {
    return scored.withColumn(RFM_SEGMENT, label(map));
  }

  static Column label(List<RfmRule> map) {
    Column label = lit(null).cast("string");
    // Folded from the last rule up so the first rule is the outermost test: first match wins.
    for (int i = map.size() - 1; i >= 0; i--) {
      RfmRule rule = map.get(i);
      Column matches =
          col(R_SCORE).between(rule.rLow(), rule.rHigh())
              .and(col(F_SCORE).between(rule.fLow(), rule.fHigh()))
              .and(col(M_SCORE).between(rule.mLow(), rule.mHigh()));
      label = when(matches, lit(rule.name())).otherwise(label);
    }
    return label;
  }
}
