package dev.segments.realdata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example configs on the real datasets in ../shared/data, through the CLI. The expected
 * numbers were computed independently of this code (see the acceptance list). Online Retail's
 * full run is checked in {@link ReplayTest}, whose full recompute is that run.
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
