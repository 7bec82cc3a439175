package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.io.Tables;
import dev.segments.segment.RuleFamilies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One customer, or customers who all look alike: rule families still assigned, k-means skipped, no NaN. */
class DegenerateDataTest {
  @TempDir Path dir;

  private Path warehouseAfter(String csv) throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), csv);
    Path cfg =
        Files.writeString(dir.resolve("job.yaml"), EndToEndTest.config(input, 0.0).replace("  report: false\n", "  report: true\n"));
    Path warehouse = dir.resolve("wh");
    CliRun run = CliRun.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("k-means     skipped: ");
    // The report is written for such a date too (a failed report would only be a warning).
    assertThat(run.out()).contains("  report      " + warehouse.resolve("_reports"));
    return warehouse;
  }

  private static void assertNoNaN(Path warehouse) {
    for (String table : Tables.ALWAYS) {
      Dataset<Row> rows = TestSpark.spark().read().format("delta").load(warehouse.resolve(table).toString());
      for (StructField field : rows.schema().fields()) {
        if (field.dataType().equals(DataTypes.DoubleType)) {
          assertThat(rows.where(rows.col(field.name()).isNaN()).count()).as(table + "." + field.name()).isZero();
        }
      }
    }
  }

  @Test
  void aSingleCustomer() throws IOException {
    Path warehouse =
        warehouseAfter("invoice,sku,qty,when,price,cust\n1,A,2,2024-01-10 09:00,5.00,c1\n2,A,1,2024-02-10 09:00,5.00,c1\n");
    Row segment = TestSpark.spark().read().format("delta").load(warehouse.resolve("customer_segments").toString()).first();
    for (String family : RuleFamilies.FAMILIES) {
      assertThat((String) segment.getAs(family)).as(family).isNotNull();
    }
    assertThat((Object) segment.getAs("cluster_id")).isNull();
    Row run = TestSpark.spark().read().format("delta").load(warehouse.resolve("runs").toString()).first();
    assertThat((String) run.getAs("kmeans_status")).isEqualTo("skipped: 1 distinct customer profile, fewer than k=2");
    assertNoNaN(warehouse);
  }

  @Test
  void identicalCustomers() throws IOException {
    Path warehouse =
        warehouseAfter(
            "invoice,sku,qty,when,price,cust\n1,A,2,2024-01-10 09:00,5.00,c1\n2,A,2,2024-01-10 09:00,5.00,c2\n"
                + "3,A,2,2024-01-10 09:00,5.00,c3\n");
    assertThat(TestSpark.spark().read().format("delta").load(warehouse.resolve("customer_segments").toString()).count())
        .isEqualTo(3);
    assertNoNaN(warehouse);
  }
}
