package dev.segments.realdata;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example configs on the real datasets in ../shared/data, through the CLI. The expected
 * numbers were computed independently of this code (see the acceptance list).
 */
class RealDataTest {
  @TempDir Path warehouse;

  private Dataset<Row> table(String name) {
    return TestSpark.spark().read().format("delta").load(warehouse.resolve(name).toString());
  }

  private String run(String config, String asOf) {
    assertThat(Files.isDirectory(TestSpark.sharedData()))
        .as("../shared/data must be beside the project")
        .isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    // The example configs name ../shared/data relative to the project folder, where Maven runs.
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          Main.execute(
              new String[] {
                "run", "--config", "jobs/examples/" + config, "--warehouse", warehouse.toString(), "--as-of", asOf
              },
              o,
              e);
    }
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onlineRetail2010To2011() {
    String summary = run("online-retail.yaml", "2011-12-09");
    assertThat(summary).contains("541,909 input = 401,604 clean + 5,268 duplicates + 135,037 quarantined");
    Row runRow = table("runs").first();
    assertThat((Long) runRow.getAs("input_rows")).isEqualTo(541_909L);
    assertThat((Long) runRow.getAs("clean_rows")).isEqualTo(401_604L);
    assertThat((Long) runRow.getAs("duplicate_rows")).isEqualTo(5_268L);
    assertThat((Long) runRow.getAs("quarantined_rows")).isEqualTo(135_037L);
    assertThat((Long) runRow.getAs("customers_scored")).isEqualTo(4_339L);
    assertThat((Long) runRow.getAs("customers_returns_only")).isEqualTo(33L);
    assertThat(table("customer_features").count()).isEqualTo(4_339L);
    assertThat(table("quarantine").count()).isEqualTo(135_037L);
    assertThat(table("transactions").count()).isEqualTo(401_604L);

    Row c12346 = table("customer_features").where(col("customer_id").equalTo("12346")).first();
    assertThat((Long) c12346.getAs("frequency")).isEqualTo(1L);
    assertThat((BigDecimal) c12346.getAs("monetary")).isEqualByComparingTo("0.00");
    assertThat((Integer) c12346.getAs("recency_days")).isEqualTo(325);
    Row c12347 = table("customer_features").where(col("customer_id").equalTo("12347")).first();
    assertThat((Integer) c12347.getAs("recency_days")).isEqualTo(2);
    assertThat((Long) c12347.getAs("frequency")).isEqualTo(7L);
    assertThat((BigDecimal) c12347.getAs("monetary")).isEqualByComparingTo("4310.00");

    Dataset<Row> segments = table("customer_segments");
    assertThat(segments.count()).isEqualTo(4_339L);
    assertThat(segments.select("customer_id").distinct().count()).isEqualTo(4_339L);
    for (String family : dev.segments.segment.RuleFamilies.FAMILIES) {
      assertThat(segments.where(col(family).isNull()).count()).as(family).isZero();
      long total =
          table("segment_summary").where(col("family").equalTo(family)).agg(org.apache.spark.sql.functions.sum("customers"))
              .first().getLong(0);
      assertThat(total).as(family).isEqualTo(4_339L);
    }
    assertThat(segments.where(col("cluster_id").isNull()).count()).isZero();
    assertThat(summary).contains("agreement   clusters agree most with").contains("pareto      the top 20% of customers bring");
  }

  @Test
  void cdnowMaster() {
    run("cdnow.yaml", "1998-06-30");
    Row runRow = table("runs").first();
    assertThat((Long) runRow.getAs("clean_rows")).isEqualTo(69_659L);
    assertThat((Long) runRow.getAs("quarantined_rows")).isZero();
    assertThat((Long) runRow.getAs("duplicate_rows")).isZero();
    assertThat((Long) runRow.getAs("customers_scored")).isEqualTo(23_570L);
    assertThat(table("customer_features").count()).isEqualTo(23_570L);
  }
}
