package dev.segments.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.segments.TestSpark;
import dev.segments.clv.BgNbd;
import dev.segments.demo.SampleGenerator;
import dev.segments.io.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLV model's refit policy over a series of dates on one generated customer base: a model younger
 * than clv.refit-every-days predicts the later date's customers with its stored parameters; its age
 * counts from the date it was fitted on; an older model and --refit fit anew.
 */
class ClvRefitTest {
  @TempDir static Path dir;

  static Path data;

  @BeforeAll
  static void generate() throws IOException {
    data = Files.createDirectories(dir.resolve("drop"));
    SampleGenerator.generate(
        data.resolve("lines.csv"),
        new SampleGenerator.Options(12_000, 600, 11, LocalDate.of(2024, 1, 1), LocalDate.of(2024, 6, 30)));
  }

  private static Path config(String name, String... extra) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "input:",
                "  path: " + data,
                "  format: csv",
                "columns:",
                "  customer-id: customer_id",
                "  order-id: invoice_no",
                "  timestamp: invoice_date",
                "  timestamp-format: \"yyyy-MM-dd HH:mm:ss\"",
                "  quantity: quantity",
                "  unit-price: unit_price",
                "  product-id: stock_code",
                "kmeans:",
                "  enabled: false",
                "output:",
                "  report: false"));
    lines.addAll(List.of(extra));
    return Files.writeString(dir.resolve(name + ".yaml"), String.join("\n", lines) + "\n");
  }

  private static void run(Path cfg, Path warehouse, String asOf, String... flags) {
    List<String> args =
        new ArrayList<>(List.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString(), "--as-of", asOf));
    args.addAll(List.of(flags));
    CliRun result = CliRun.of(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
  }

  private static Row model(Path warehouse, String asOf) {
    List<Row> rows =
        TestSpark.spark().read().format("delta").load(warehouse.resolve(Tables.CLV_MODELS).toString())
            .where(col("as_of").equalTo(asOf))
            .collectAsList();
    assertThat(rows).as("clv_models as of " + asOf).hasSize(1);
    return rows.get(0);
  }

  private static LocalDate fittedAsOf(Row model) {
    return model.getDate(model.fieldIndex("fitted_as_of")).toLocalDate();
  }

  private static double param(Row model, String name) {
    return model.getDouble(model.fieldIndex(name));
  }

  @Test
  void aYoungModelPredictsLaterDatesUntilItsAgeReachesTheLimit() throws IOException {
    Path cfg = config("default");
    Path wh = dir.resolve("warehouse");
    run(cfg, wh, "2024-06-20");
    Row fit = model(wh, "2024-06-20");
    assertThat(fit.<String>getAs("status")).isEqualTo("fitted");
    assertThat(fittedAsOf(fit)).isEqualTo(LocalDate.of(2024, 6, 20));

    // Three days later (default limit 7): the stored parameters, on the later date's customers.
    run(cfg, wh, "2024-06-23");
    Row reused = model(wh, "2024-06-23");
    assertThat(reused.<String>getAs("status")).isEqualTo("fitted");
    assertThat(fittedAsOf(reused)).isEqualTo(LocalDate.of(2024, 6, 20));
    for (String p : List.of("r", "alpha", "a", "b", "p", "q", "gamma", "bgnbd_log_likelihood")) {
      assertThat(param(reused, p)).as(p).isEqualTo(param(fit, p));
    }
    assertThat(reused.<Long>getAs("customers")).isEqualTo(fit.<Long>getAs("customers"));

    // Each customer's P(alive) and expected purchases as of 06-23, computed here from the 06-20
    // parameters and the customer's (x, t_x, T) as of 06-23 (FHL 2005, eq. 13 and 10).
    double r = param(fit, "r");
    double alpha = param(fit, "alpha");
    double a = param(fit, "a");
    double b = param(fit, "b");
    Dataset<Row> customers =
        TestSpark.spark().read().format("delta").load(wh.resolve(Tables.CUSTOMER_CLV).toString())
            .where(col("as_of").equalTo("2024-06-23"));
    List<Row> rows = customers.collectAsList();
    assertThat(rows).hasSizeGreaterThan(500);
    double latestT = 0;
    for (Row c : rows) {
      double x = c.<Long>getAs("repeat_purchases");
      double tx = c.getAs("t_x_weeks");
      double t = c.getAs("t_weeks");
      latestT = Math.max(latestT, t);
      double pAlive = x == 0 ? 1.0 : 1.0 / (1.0 + a / (b + x - 1) * Math.pow((alpha + t) / (alpha + tx), r + x));
      assertThat(c.<Double>getAs("p_alive")).as(c.toString()).isCloseTo(pAlive, within(1e-12));
      assertThat(c.<Double>getAs("expected_purchases"))
          .as(c.toString())
          .isCloseTo(BgNbd.expectedPurchases(new BgNbd.Params(r, alpha, a, b), 52, x, tx, t), within(1e-9));
    }
    // The customers are measured as of 06-23: the oldest customer's T counts from 2024-01-01.
    assertThat(latestT).isCloseTo((31 + 29 + 31 + 30 + 31 + 22) / 7.0, within(1.0 / 7));

    // A 3-day limit on 06-24: the model of the latest date (06-23) was fitted on 06-20, 4 days
    // before, so a new fit is made although the 06-23 row itself is 1 day old.
    Path threeDays = config("three-days", "clv:", "  refit-every-days: 3");
    run(threeDays, wh, "2024-06-24");
    Row refitted = model(wh, "2024-06-24");
    assertThat(fittedAsOf(refitted)).isEqualTo(LocalDate.of(2024, 6, 24));
    assertThat(param(refitted, "r")).isNotEqualTo(param(fit, "r"));

    // --refit fits anew although the 06-24 model is 1 day old.
    run(cfg, wh, "2024-06-25", "--refit");
    assertThat(fittedAsOf(model(wh, "2024-06-25"))).isEqualTo(LocalDate.of(2024, 6, 25));
  }
}
