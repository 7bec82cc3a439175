package dev.segments.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job through the CLI entry point, on a hand-computed file and a temporary warehouse. */
class EndToEndTest {
  static final String CSV =
      String.join(
          "\n",
          "invoice,sku,qty,when,price,cust",
          "1,A,2,2024-01-10 09:00,5.00,c1",
          "1,A,2,2024-01-10 09:00,5.00,c1",
          "2,B,1,2024-03-01 10:00,20.00,c1",
          "3,A,1,2024-03-30 11:00,100,c2",
          "4,C,3,2023-06-01 12:00,1.00,c3",
          "C5,C,-1,2023-06-05 12:00,1.00,c3",
          "6,A,-1,2024-02-01 12:00,7.00,c4",
          "7,A,1,2024-02-01 12:00,7.00,",
          "8,A,1,2024-04-02 12:00,7.00,c1",
          "");

  static String config(Path input, double maxRejectRate) {
    return String.join(
        "\n",
        "input:",
        "  path: " + input,
        "columns:",
        "  customer-id: cust",
        "  order-id: invoice",
        "  timestamp: when",
        "  timestamp-format: yyyy-MM-dd HH:mm",
        "  quantity: qty",
        "  unit-price: price",
        "  product-id: sku",
        "clean:",
        "  max-reject-rate: " + maxRejectRate,
        "kmeans:",
        "  k: 2",
        // The report costs a run about 4 s; the demo, report, nightly and degenerate-data tests test it.
        "output:",
        "  report: false",
        "");
  }

  @TempDir Path dir;
  Path input;
  Path warehouse;

  @BeforeEach
  void files() throws IOException {
    input = Files.writeString(dir.resolve("lines.csv"), CSV);
    warehouse = dir.resolve("warehouse");
  }

  private CliRun run(double maxRejectRate, String... extra) throws IOException {
    Path cfg = Files.writeString(dir.resolve("job.yaml"), config(input, maxRejectRate));
    String[] base = {"run", "--config", cfg.toString(), "--warehouse", warehouse.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  private Map<String, Row> byCustomer(String table) {
    SparkSession spark = TestSpark.spark();
    return spark.read().format("delta").load(warehouse.resolve(table).toString()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("customer_id"), r -> r));
  }

  @Test
  void runWritesEveryTableWithHandComputedContents() throws IOException {
    CliRun result = run(0.2, "--as-of", "2024-03-31");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("9 input = 7 clean + 1 duplicates + 1 quarantined")
        .contains("3 scored, 1 with returns only, 1 lines after the as-of date left out");

    Map<String, Row> features = byCustomer("customer_features");
    assertThat(features).containsOnlyKeys("c1", "c2", "c3");
    Row c1 = features.get("c1");
    assertThat((Integer) c1.getAs("recency_days")).isEqualTo(30);
    assertThat((Long) c1.getAs("frequency")).isEqualTo(2L);
    assertThat((BigDecimal) c1.getAs("monetary")).isEqualByComparingTo("30.00");
    assertThat((Integer) features.get("c3").getAs("recency_days")).isEqualTo(304);
    assertThat((BigDecimal) features.get("c3").getAs("monetary")).isEqualByComparingTo("2.00");

    // n = 3, breakpoint ranks 1, 2, 2, 3: recency b = 1, 30, 30, 304; frequency 1, 1, 1, 2; monetary 2, 30, 30, 100.
    Map<String, Row> segments = byCustomer("customer_segments");
    assertThat(scores(segments.get("c1"))).containsExactly(4, 4, 2);
    assertThat(scores(segments.get("c2"))).containsExactly(5, 1, 4);
    assertThat(scores(segments.get("c3"))).containsExactly(2, 1, 1);
    assertThat((String) segments.get("c1").getAs("rfm_segment")).isEqualTo("Loyal Customers");
    assertThat((String) segments.get("c2").getAs("rfm_segment")).isEqualTo("New Customers");
    assertThat((String) segments.get("c3").getAs("rfm_segment")).isEqualTo("Hibernating");
    assertThat(segments.values()).allSatisfy(r -> assertThat((Integer) r.getAs("cluster_id")).isBetween(1, 2));

    SparkSession spark = TestSpark.spark();
    Row thresholds =
        spark.read().format("delta").load(warehouse.resolve("score_thresholds").toString())
            .where(col("metric").equalTo("recency"))
            .first();
    assertThat(List.of(thresholds.getAs("b1"), thresholds.getAs("b2"), thresholds.getAs("b3"), thresholds.getAs("b4")))
        .containsExactly(1.0, 30.0, 30.0, 304.0);

    Row quarantined = spark.read().format("delta").load(warehouse.resolve("quarantine").toString()).first();
    assertThat((String) quarantined.getAs("reason")).isEqualTo("missing_customer");
    assertThat((String) quarantined.getAs("raw_row")).contains("\"invoice\":\"7\"");
    assertThat(spark.read().format("delta").load(warehouse.resolve("transactions").toString()).count())
        .isEqualTo(7);

    Row runRow = spark.read().format("delta").load(warehouse.resolve("runs").toString()).first();
    assertThat((String) runRow.getAs("status")).isEqualTo("succeeded");
    assertThat((Long) runRow.getAs("input_rows")).isEqualTo(9L);
    assertThat((Long) runRow.getAs("clean_rows") + (Long) runRow.getAs("duplicate_rows")
            + (Long) runRow.getAs("quarantined_rows"))
        .isEqualTo(9L);
  }

  private static List<Integer> scores(Row row) {
    return List.of(row.getAs("r_score"), row.getAs("f_score"), row.getAs("m_score"));
  }

  @Test
  void sqlAnswersByTableNameAndPrintsOnlyCsv() throws IOException {
    assertThat(run(0.2, "--as-of", "2024-03-31").exitCode()).isZero();
    CliRun sql =
        CliRun.of(
            "sql", "--warehouse", warehouse.toString(), "--format", "csv",
            "SELECT customer_id, rfm_segment FROM customer_segments ORDER BY customer_id");
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    assertThat(sql.out().lines().toList())
        .containsExactly(
            "customer_id,rfm_segment", "c1,Loyal Customers", "c2,New Customers", "c3,Hibernating");
  }

  @Test
  void asOfDefaultsToTheLastDateInTheInput() throws IOException {
    CliRun result = run(0.2);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("as of 2024-04-02");
  }

  @Test
  void tooManyQuarantinedRowsIsADataError() throws IOException {
    CliRun result = run(0.1);
    assertThat(result.exitCode()).isEqualTo(65);
    assertThat(result.err().strip())
        .isEqualTo(
            "segments: 12.50% of rows were quarantined, above clean.max-reject-rate 10.00% (see the quarantine counts by reason)");
    Row runRow =
        TestSpark.spark().read().format("delta").load(warehouse.resolve("runs").toString()).first();
    assertThat((String) runRow.getAs("status")).isEqualTo("failed");
    assertThat(Files.exists(warehouse.resolve("customer_segments"))).isFalse();
  }
}
