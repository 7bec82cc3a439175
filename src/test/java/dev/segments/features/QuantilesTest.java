package dev.segments.features;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class QuantilesTest {
  private static final StructType SCHEMA =
      new StructType().add("v", DataTypes.DoubleType).add("w", DataTypes.LongType);

  @Test
  void breakpointsAreTheValuesAtRankCeilJnOver5WithTies() {
    double[] values = {13, 1, 2, 1, 5, 1, 3, 8, 1, 2};
    Object[][] data = Arrays.stream(values).mapToObj(v -> new Object[] {v, (long) v}).toArray(Object[][]::new);
    List<Quantiles.Result> q = Quantiles.quintileBreakpoints(rows(SCHEMA, data), List.of("v", "w"), 10_000);
    // Sorted: 1 1 1 1 2 2 3 5 8 13; ranks 2, 4, 6, 8.
    assertThat(q.get(0).count()).isEqualTo(10);
    assertThat(q.get(0).values()).containsExactly(1, 1, 2, 5);
    assertThat(q.get(1).values()).containsExactly(1, 1, 2, 5);
  }

  @Test
  void anEmptyColumnHasNoBreakpoints() {
    List<Quantiles.Result> q =
        Quantiles.quintileBreakpoints(rows(SCHEMA, new Object[] {null, 1L}), List.of("v", "w"), 1000);
    assertThat(q.get(0).count()).isZero();
    assertThat(q.get(0).values()).isEmpty();
    assertThat(q.get(1).values()).containsExactly(1, 1, 1, 1);
  }

  @Test
  void exactEvenWhenTheSketchIsCoarseAndWhateverThePartitioning() {
    Random random = new Random(11);
    List<Object[]> data = new ArrayList<>();
    double[] sorted = new double[20_000];
    for (int i = 0; i < sorted.length; i++) {
      // Heavy ties (a third are 1) plus a long continuous tail, like frequency and monetary.
      double v = random.nextInt(3) == 0 ? 1.0 : Math.round(Math.exp(random.nextGaussian() * 2) * 100) / 100.0;
      sorted[i] = v;
      data.add(new Object[] {v, (long) i});
    }
    Arrays.sort(sorted);
    double[] expected = new double[4];
    for (int j = 1; j <= 4; j++) {
      expected[j - 1] = sorted[(int) Math.ceil(j * sorted.length / 5.0) - 1];
    }
    Dataset<Row> frame = rows(SCHEMA, data.toArray(Object[][]::new));
    for (int partitions : new int[] {1, 3, 8}) {
      // Accuracy 100 makes the sketch's rank error ~200 rows, so the exact pass does the work.
      List<Quantiles.Result> q =
          Quantiles.quintileBreakpoints(frame.repartition(partitions), List.of("v"), 100);
      assertThat(q.get(0).values()).as("partitions=%d", partitions).containsExactly(expected);
    }
  }

  @Test
  void ranksAreComputedInDecimalSoQuintilesOfFiveLandOnWholeRanks() {
    assertThat(Quantiles.rank(0.2, 5)).isEqualTo(1);
    assertThat(Quantiles.rank(0.6, 5)).isEqualTo(3);
    assertThat(Quantiles.rank(0.8, 5)).isEqualTo(4);
    assertThat(Quantiles.rank(0.5, 3)).isEqualTo(2);
    assertThat(Quantiles.rank(0.2, 1)).isEqualTo(1);
  }

  @Test
  void anyPercentileByRequest() {
    Object[][] data = new Object[10][];
    for (int i = 0; i < 10; i++) {
      data[i] = new Object[] {(double) (10 - i), (long) i};
    }
    List<Quantiles.Result> q =
        Quantiles.compute(
            rows(SCHEMA, data),
            List.of(new Quantiles.Request("v", new double[] {0.5, 0.8, 1.0})),
            1000);
    assertThat(q.get(0).values()).containsExactly(5, 8, 10);
  }
}
