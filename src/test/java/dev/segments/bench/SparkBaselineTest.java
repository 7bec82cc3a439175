package dev.segments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's straightforward Spark clean + RFM, on lines whose measures are computed by hand. */
class SparkBaselineTest {
  private static final String HEADER =
      "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country";
  private static final LocalDate AS_OF = LocalDate.of(2024, 12, 31);

  @TempDir Path tmp;

  @Test
  void measuresEachCustomerFromItsCleanLines() throws IOException {
    List<String> lines = List.of(
        HEADER,
        // C1: orders A (13.50) and B (20.00), a return R (-5.00); A's first line delivered twice.
        "A,P1,\"MUG, \"\"BIG\"\"\",2,2024-12-01 10:00:00,5.00,C1,UK",
        "A,P1,\"MUG, \"\"BIG\"\"\",2,2024-12-01 10:00:00,5.00,C1,UK",
        "A,P2,PLATE,1,2024-12-01 10:00:00,3.50,C1,UK",
        "B,P3,BOWL,1,2024-12-20 09:00:00,20.00,C1,UK",
        "R,P1,MUG,-1,2024-12-25 09:00:00,5.00,C1,UK",
        // C2: one order on 30 June.
        "C,P2,PLATE,3,2024-06-30 12:00:00,1.25, C2 ,UK",
        // Customer 7, written once as 7.0: two orders on the as-of date.
        "D,P4,VASE,1,2024-12-31 08:00:00,100.00,7,UK",
        "E,P2,PLATE,1,2024-12-31 18:00:00,1.00,7.0,UK",
        // C4: a return only.
        "F,P5,LAMP,-2,2024-11-11 11:00:00,4.00,C4,UK",
        // Lines that are not used: no customer, a bad number, no date, zero quantity, negative
        // price, and a line after the as-of date.
        "G,P1,MUG,1,2024-12-02 10:00:00,5.00,,UK",
        "H,P1,MUG,abc,2024-12-02 10:00:00,5.00,C2,UK",
        "I,P1,MUG,1,not-a-date,5.00,C2,UK",
        "J,P1,MUG,0,2024-12-02 10:00:00,5.00,C2,UK",
        "K,P1,MUG,1,2024-12-02 10:00:00,-5.00,C2,UK",
        "L,P1,MUG,1,2025-01-02 10:00:00,5.00,C2,UK");
    Map<String, Row> byCustomer = run(lines);

    assertThat(byCustomer).containsOnlyKeys("C1", "C2", "7", "C4");
    assertMeasures(byCustomer.get("C1"), 11, 2, 28.5);
    assertMeasures(byCustomer.get("C2"), 184, 1, 3.75);
    assertMeasures(byCustomer.get("7"), 0, 2, 101.0);
    Row returnsOnly = byCustomer.get("C4");
    assertThat(returnsOnly.isNullAt(1)).isTrue();
    assertThat(returnsOnly.getLong(2)).isZero();
    assertThat(returnsOnly.getDouble(3)).isEqualTo(-8.0);
    for (int s = 4; s <= 6; s++) {
      assertThat(returnsOnly.isNullAt(s)).isTrue();
    }
  }

  /**
   * Five customers: customer k has k orders of 10k each, the last 10k days before the as-of date.
   * Each measure takes five distinct values, so a breakpoint at p is the value of rank ceil(5p), and
   * a score is 1 + the breakpoints below the value (above it, for recency), as the DuckDB peer's.
   */
  @Test
  void scoresAreQuintileRanks() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (int k = 1; k <= 5; k++) {
      for (int order = 1; order <= k; order++) {
        LocalDate day = AS_OF.minusDays(10L * k + (k - order));
        lines.add(String.format("O%d-%d,P1,MUG,1,%s 10:00:00,%d.00,C%d,UK", k, order, day, 10 * k, k));
      }
    }
    Map<String, Row> byCustomer = run(lines);

    assertThat(byCustomer).hasSize(5);
    double[] recencies = breakpoints(10, 20, 30, 40, 50);
    double[] frequencies = breakpoints(1, 2, 3, 4, 5);
    double[] monetaries = breakpoints(10, 40, 90, 160, 250);
    for (int k = 1; k <= 5; k++) {
      Row row = byCustomer.get("C" + k);
      assertMeasures(row, 10 * k, k, 10.0 * k * k);
      int recency = 10 * k;
      double frequency = k;
      double monetary = 10.0 * k * k;
      assertThat(row.getInt(4)).as("r_score of C%d", k).isEqualTo(1 + count(recencies, b -> b > recency));
      assertThat(row.getInt(5)).as("f_score of C%d", k).isEqualTo(1 + count(frequencies, b -> b < frequency));
      assertThat(row.getInt(6)).as("m_score of C%d", k).isEqualTo(1 + count(monetaries, b -> b < monetary));
    }
  }

  /** The values of rank ceil(5p) at p = 0.2, 0.4, 0.6, 0.8 among five sorted values. */
  private static double[] breakpoints(double... sorted) {
    double[] cuts = new double[4];
    for (int j = 1; j <= 4; j++) {
      cuts[j - 1] = sorted[(int) Math.ceil(sorted.length * j / 5.0) - 1];
    }
    return cuts;
  }

  private static int count(double[] values, java.util.function.DoublePredicate test) {
    return (int) java.util.Arrays.stream(values).filter(test).count();
  }

  private Map<String, Row> run(List<String> lines) throws IOException {
    Path csv = Files.write(tmp.resolve("lines.csv"), lines);
    Map<String, Row> byCustomer = new TreeMap<>();
    for (Row row : SparkBaseline.scores(TestSpark.spark(), csv.toString(), AS_OF).collectAsList()) {
      byCustomer.put(row.getString(0), row);
    }
    return byCustomer;
  }

  private static void assertMeasures(Row row, int recency, long frequency, double monetary) {
    assertThat(row.getInt(1)).isEqualTo(recency);
    assertThat(row.getLong(2)).isEqualTo(frequency);
    assertThat(row.getDouble(3)).isEqualTo(monetary);
  }
}
