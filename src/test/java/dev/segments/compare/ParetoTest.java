package dev.segments.compare;

import static dev.segments.TestSpark.rows;
import static dev.segments.TestSpark.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segments.Columns;
import dev.segments.features.Quantiles;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ParetoTest {
  private static final StructType SCHEMA =
      new StructType().add(Columns.MONETARY, DataTypes.createDecimalType(38, 6));

  @Test
  void everyPointIsTheTopCustomersShareOfPositiveRevenueWithTiesAndRefunds() {
    double[] values = {100, -5, 10, 205.5, 0, 10, 50, 100, 20, 10};
    Object[][] data =
        Arrays.stream(values).mapToObj(v -> new Object[] {BigDecimal.valueOf(v).setScale(6)}).toArray(Object[][]::new);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = values.length;
    // The quantile at k% is the value of rank ceil(k n / 100), as the job's quantiles give it.
    double[] quantiles = new double[99];
    for (int k = 1; k <= 99; k++) {
      quantiles[k - 1] = sorted[(int) Quantiles.rank(k / 100.0, n) - 1];
    }
    Pareto.Curve curve = Pareto.curve(spark(), rows(SCHEMA, data), quantiles, n, LocalDate.of(2024, 6, 30));
    List<Row> points = curve.table().orderBy("top_percent").collectAsList();

    assertThat(points).hasSize(100);
    double total = 10 + 10 + 10 + 20 + 50 + 100 + 100 + 205.5;
    for (Row p : points) {
      int top = p.getInt(1);
      long bottom = top == 100 ? 0 : Quantiles.rank((100 - top) / 100.0, n);
      // Independently: sort, drop the bottom customers, add up what the rest bring.
      double kept = 0;
      for (int i = (int) bottom; i < n; i++) {
        kept += Math.max(sorted[i], 0);
      }
      assertThat(p.getLong(2)).as("customers in the top %d%%", top).isEqualTo(n - bottom);
      assertThat(p.getDouble(4)).as("revenue share of the top %d%%", top).isCloseTo(kept / total, within(1e-12));
    }
    // Top 20% = the two best customers (205.5 and one of the tied 100s) of 505.5 positive revenue.
    assertThat(curve.top20Share()).isCloseTo(305.5 / 505.5, within(1e-12));
    // Top 1%: no whole customer (rank ceil(0.99 x 10) = 10 leaves none); top 10%: the best one alone.
    assertThat(points.get(0).getLong(2)).isZero();
    assertThat(points.get(0).getDouble(4)).isCloseTo(0.0, within(1e-12));
    assertThat(points.get(9).getLong(2)).isEqualTo(1);
    assertThat(points.get(9).getDouble(4)).isCloseTo(205.5 / 505.5, within(1e-12));
  }

  @Test
  void withoutPositiveRevenueTheSharesAreNull() {
    Object[][] data = {{new BigDecimal("-3.000000")}, {new BigDecimal("0.000000")}};
    double[] quantiles = new double[99];
    for (int k = 1; k <= 99; k++) {
      quantiles[k - 1] = k <= 50 ? -3 : 0;
    }
    Pareto.Curve curve = Pareto.curve(spark(), rows(SCHEMA, data), quantiles, 2, LocalDate.of(2024, 6, 30));
    assertThat(curve.top20Share()).isNull();
    assertThat(curve.table().where("revenue_share IS NOT NULL").count()).isZero();
  }
}
