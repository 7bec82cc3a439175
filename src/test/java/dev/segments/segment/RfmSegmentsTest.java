package dev.segments.segment;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.config.RfmRule;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmSegmentsTest {
  /** The domain guide's grid, typed out by hand: row = R score 1..5, column = F score 1..5. */
  private static final String[][] EXPECTED = {
    {"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
    {"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
    {"About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"},
    {"Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"},
    {"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
  };

  @Test
  void theDefaultGridLabelsEveryCellAsTheDomainGuideSays() {
    StructType schema =
        new StructType()
            .add("r_score", DataTypes.IntegerType)
            .add("f_score", DataTypes.IntegerType)
            .add("m_score", DataTypes.IntegerType);
    List<Object[]> cells = new ArrayList<>();
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        cells.add(new Object[] {r, f, (r + f) % 5 + 1});
      }
    }
    List<Row> labelled =
        RfmSegments.assign(rows(schema, cells.toArray(Object[][]::new)), RfmRule.DEFAULT_MAP).collectAsList();
    assertThat(labelled).hasSize(25);
    for (Row row : labelled) {
      int r = row.getInt(0);
      int f = row.getInt(1);
      assertThat(row.getString(3)).as("R%dF%d", r, f).isEqualTo(EXPECTED[r - 1][f - 1]);
    }
  }

  @Test
  void anMAwareMapUsesTheMonetaryScore() {
    List<RfmRule> map =
        List.of(new RfmRule("Big", null, null, "4-5"), new RfmRule("Small", null, null, "1-3"));
    StructType schema =
        new StructType()
            .add("r_score", DataTypes.IntegerType)
            .add("f_score", DataTypes.IntegerType)
            .add("m_score", DataTypes.IntegerType);
    List<Row> out =
        RfmSegments.assign(rows(schema, new Object[] {1, 1, 4}, new Object[] {5, 5, 3}), map).collectAsList();
    assertThat(out).extracting(r -> r.getString(3)).containsExactly("Big", "Small");
  }
}
