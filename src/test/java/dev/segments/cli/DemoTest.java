package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.demo.SampleGenerator;
import dev.segments.io.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command: the demo generates its sample and writes every table. */
class DemoTest {
  @TempDir Path dir;

  @Test
  void demoWritesEveryTableAndReportsWhereRowsWent() {
    Path warehouse = dir.resolve("warehouse");
    CliRun run = CliRun.of("demo", "--warehouse", warehouse.toString(), "--data", dir.resolve("data").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    for (String table : Tables.ALWAYS) {
      assertThat(warehouse.resolve(table).resolve("_delta_log")).as(table).isDirectory();
    }
    Row runRow = TestSpark.spark().read().format("delta").load(warehouse.resolve("runs").toString()).first();
    long input = runRow.getAs("input_rows");
    assertThat(input).isEqualTo(SampleGenerator.demoOptions().rows());
    assertThat((Long) runRow.getAs("duplicate_rows")).isPositive();
    assertThat((Long) runRow.getAs("quarantined_rows")).isPositive();
    assertThat((Long) runRow.getAs("customers_scored")).isEqualTo(SampleGenerator.demoOptions().customers());
    assertThat(run.out())
        .contains(String.format("%,d input = ", input))
        .contains("rfm_segment ")
        .contains("k-means     kmeans k=4")
        .contains(warehouse.toString());
    assertThat(Files.exists(dir.resolve("data").resolve("transactions.csv"))).isTrue();

    // The CLV models are fitted on the demo's customer base, and customer_segments carries the
    // churn risk of customer_clv for every customer.
    Row model = TestSpark.spark().read().format("delta").load(warehouse.resolve("clv_models").toString()).first();
    assertThat(model.<String>getAs("status")).isEqualTo("fitted");
    assertThat(model.<Long>getAs("customers")).isEqualTo(SampleGenerator.demoOptions().customers());
    long mismatched =
        TestSpark.spark().read().format("delta").load(warehouse.resolve("customer_segments").toString()).alias("s")
            .join(
                TestSpark.spark().read().format("delta").load(warehouse.resolve("customer_clv").toString()).alias("c"),
                org.apache.spark.sql.functions.col("s.customer_id").equalTo(org.apache.spark.sql.functions.col("c.customer_id")),
                "full_outer")
            .where("s.churn_risk is null or not (s.churn_risk <=> c.churn_risk)")
            .count();
    assertThat(mismatched).isZero();
  }
}
