package dev.segments.clean;

import static dev.segments.TestSpark.rows;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class MoneyTest {
  private static final StructType SCHEMA =
      new StructType().add("g", DataTypes.StringType).add("amount", Cleaner.MONEY_TYPE);

  @Test
  void splitSumsAreExactBeyondWhatOneLongHoldsInEitherSign() {
    BigDecimal big = new BigDecimal("9000000000000.123457");
    Object[][] data = {
      // Three amounts near the limit: their millionths sum to 2.7e19, past a long's 9.2e18.
      {"up", big}, {"up", big}, {"up", big}, {"up", new BigDecimal("-0.000001")},
      {"down", big.negate()}, {"down", big.negate()}, {"down", big.negate()}, {"down", new BigDecimal("0.000003")},
      {"mixed", new BigDecimal("-1.5")}, {"mixed", new BigDecimal("4294.967296")}, {"mixed", new BigDecimal("0.000001")},
    };
    Column[] sums = Money.splitSums(Money.micros(col("amount")));
    List<Row> groups = rows(SCHEMA, data).groupBy(col("g")).agg(sums[0], sums[1]).collectAsList();
    assertThat(groups).hasSize(3);
    for (Row r : groups) {
      assertThat(Money.fromSplitSums(r, 1)).as(r.getString(0)).isEqualByComparingTo(expected(r.getString(0), data));
    }
    assertThat(expected("up", data)).isEqualByComparingTo("27000000000000.370370");
  }

  private static BigDecimal expected(String group, Object[][] data) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Object[] d : data) {
      if (d[0].equals(group)) {
        sum = sum.add((BigDecimal) d[1]);
      }
    }
    return sum;
  }
}
