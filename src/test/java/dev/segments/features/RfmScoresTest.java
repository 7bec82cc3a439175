package dev.segments.features;

import static dev.segments.TestSpark.rows;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmScoresTest {
  private static List<Integer> scores(ScoredMetric metric, double[] breakpoints, double... values) {
    StructType schema = new StructType().add(metric.column(), DataTypes.DoubleType).add("i", DataTypes.IntegerType);
    Object[][] data = new Object[values.length][];
    for (int i = 0; i < values.length; i++) {
      data[i] = new Object[] {values[i], i};
    }
    Dataset<Row> scored =
        RfmScores.apply(rows(schema, data), List.of(new RfmScores.Breakpoints(metric, values.length, breakpoints)));
    return scored.orderBy("i").select(col(metric.scoreColumn())).collectAsList().stream()
        .map(r -> r.getInt(0))
        .toList();
  }

  @Test
  void aValueScoresOnePlusTheBreakpointsStrictlyBelowIt() {
    assertThat(scores(ScoredMetric.FREQUENCY, new double[] {1, 1, 2, 5}, 1, 2, 3, 5, 6, 0))
        .containsExactly(1, 3, 4, 4, 5, 1);
  }

  @Test
  void recencyIsReversedSoTheMostRecentScoreFive() {
    assertThat(scores(ScoredMetric.RECENCY, new double[] {10, 20, 30, 40}, 0, 10, 11, 40, 41))
        .containsExactly(5, 5, 4, 2, 1);
  }

  @Test
  void breakpointsOfTheFourMetricsComeFromTheScoredCustomers() {
    StructType schema = new StructType();
    for (ScoredMetric m : ScoredMetric.values()) {
      schema = schema.add(m.column(), DataTypes.DoubleType);
    }
    Object[][] data = new Object[5][];
    for (int i = 0; i < 5; i++) {
      data[i] = new Object[] {10.0 * i, 1.0 + i, 100.0 - i, 5.0, 0.0, 3.0 * i};
    }
    List<RfmScores.Breakpoints> b = RfmScores.breakpoints(rows(schema, data), 1000);
    assertThat(b.get(ScoredMetric.RECENCY.ordinal()).values()).containsExactly(0, 10, 20, 30);
    assertThat(b.get(ScoredMetric.MONETARY.ordinal()).values()).containsExactly(96, 97, 98, 99);
    assertThat(b.get(ScoredMetric.ORDER_VALUE.ordinal()).values()).containsExactly(5, 5, 5, 5);
    assertThat(b.get(ScoredMetric.FREQUENCY.ordinal()).customers()).isEqualTo(5);
  }
}
