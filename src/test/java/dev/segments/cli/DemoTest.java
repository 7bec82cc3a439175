package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segments.TestSpark;
import dev.segments.demo.SampleGenerator;
import dev.segments.io.Tables;
import dev.segments.report.HeadlessChromium;
import dev.segments.report.ReportCharts;
import dev.segments.segment.RuleFamilies;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command: the demo generates its sample, writes every table and ends with the
 * path of its report, which a headless browser opens from disk with every chart drawn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoTest {
  @TempDir static Path dir;
  Path warehouse;
  CliRun run;

  @BeforeAll
  void runTheDemo() {
    warehouse = dir.resolve("warehouse");
    run = CliRun.of("demo", "--warehouse", warehouse.toString(), "--data", dir.resolve("data").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  @Test
  void demoWritesEveryTableAndReportsWhereRowsWent() {
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

  @Test
  void theDemoEndsWithTheReportWhichOpensOfflineWithEveryChartDrawn() throws Exception {
    Row runRow = TestSpark.spark().read().format("delta").load(warehouse.resolve("runs").toString()).first();
    String[] lines = run.out().strip().split("\n");
    String last = lines[lines.length - 1].strip();
    assertThat(last).as("the demo ends with the report's path").startsWith("report ");
    Path report = Path.of(last.substring("report".length()).strip());
    assertThat(report).isRegularFile().startsWith(warehouse.resolve("_reports"));

    HeadlessChromium.Page page = HeadlessChromium.open(report, Path.of("target", "report-screenshots", "demo.png"));
    assertThat(page.errors()).as(page.dom()).isZero();
    assertThat(HeadlessChromium.consoleErrors(page)).isEmpty();
    // One run, k-means fitted: rows, 8 families' sizes, two R × F grids, Pareto, silhouette, profiles,
    // agreement and 8 cross-tabulations; no transitions yet.
    int families = RuleFamilies.FAMILIES.size();
    assertThat(page.charts()).isEqualTo(1 + families + 2 + 1 + 1 + 1 + 1 + families);
    assertThat(page.rendered()).as("charts drawn").isEqualTo(page.charts());
    assertThat(page.dom().split("<svg", -1).length - 1).as("an SVG per chart").isGreaterThanOrEqualTo(page.charts());
    assertThat(page.dom()).contains("No earlier published date");

    // The charts carry the tables' numbers: every scored customer sits in one R × F cell and in one
    // cell of each cross-tabulation; the Pareto title repeats the run summary's top-20% share.
    JsonNode charts = ReportCharts.of(report);
    long scored = runRow.getAs("customers_scored");
    assertThat(ReportCharts.heatmapTotal(charts.get("rf-customers"))).isEqualTo(scored);
    for (String family : RuleFamilies.FAMILIES) {
      assertThat(ReportCharts.heatmapTotal(charts.get("crosstab-" + family))).as(family).isEqualTo(scored);
    }
    String top20 = run.out().replaceAll("(?s).*top 20% of customers bring ([0-9.]+)%.*", "$1");
    assertThat(charts.get("pareto").get("title").get("text").asText()).contains("the top 20% bring " + top20 + "%");

    // `segments report` writes the same page again from the tables.
    byte[] written = Files.readAllBytes(report);
    Files.delete(report);
    CliRun again = CliRun.of("report", "--warehouse", warehouse.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out().strip()).isEqualTo("segments: report " + report);
    assertThat(Files.readString(report).equals(new String(written, java.nio.charset.StandardCharsets.UTF_8)))
        .as("the rewritten page is the same, byte for byte")
        .isTrue();
    CliRun missing = CliRun.of("report", "--warehouse", warehouse.toString(), "--as-of", "2020-01-01");
    assertThat(missing.exitCode()).isEqualTo(66);
    assertThat(missing.err()).startsWith("segments: No published run as of 2020-01-01");
  }

  /**
   * notebooks-conf/: every SQL query of the example notebook runs against the demo's tables, after
   * the views its setup cell makes; the notebook's Spark settings are the session factory's.
   */
  @Test
  void theNotebookQueriesRunOnTheDemoTablesWithTheJobsSettings() throws Exception {
    Path conf = ChildJvm.ROOT.resolve("notebooks-conf");
    JsonNode notebook = new com.fasterxml.jackson.databind.ObjectMapper().readTree(conf.resolve("clusters-vs-rule-tiers.ipynb").toFile());
    List<String> code = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      if (cell.get("cell_type").asText().equals("code")) {
        StringBuilder source = new StringBuilder();
        cell.get("source").forEach(line -> source.append(line.asText()));
        code.add(source.toString());
      }
    }
    // The setup cell, as PySpark would run it: each listed table as a view over its Delta folder.
    Matcher tables = Pattern.compile("TABLES = \\[(.*?)\\]", Pattern.DOTALL).matcher(code.get(0));
    assertThat(tables.find()).as("the setup cell lists its tables").isTrue();
    List<String> names = Pattern.compile("\"(\\w+)\"").matcher(tables.group(1)).results().map(m -> m.group(1)).toList();
    assertThat(names).contains(Tables.CUSTOMER_SEGMENTS, Tables.SEGMENT_COMPARISON, Tables.SEGMENT_TRANSITIONS);
    var spark = TestSpark.spark();
    for (String table : names) {
      spark.read().format("delta").load(warehouse.resolve(table).toString()).createOrReplaceTempView(table);
    }
    try {
      runNotebookQueries(spark, code);
    } finally {
      // The test JVM's one session outlives this class: its views must not shadow other tests' tables.
      names.forEach(spark.catalog()::dropTempView);
      spark.catalog().dropTempView("published");
    }

    // spark-defaults.conf and the Jupyter kernel carry the session factory's Delta settings.
    checkNotebookSettings(spark, conf);
  }

  private static void runNotebookQueries(org.apache.spark.sql.SparkSession spark, List<String> code) {
    List<String> queries = new ArrayList<>();
    for (String cell : code) {
      Pattern.compile("q\\(\"\"\"(.*?)\"\"\"", Pattern.DOTALL).matcher(cell).results().forEach(m -> queries.add(m.group(1)));
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
    for (String query : queries) {
      List<Row> rows = spark.sql(query).collectAsList();
      if (query.strip().startsWith("CREATE")) {
        continue;
      }
      if (query.contains("segment_transitions")) {
        assertThat(rows).as("one date: no movements yet\n" + query).isEmpty();
      } else {
        assertThat(rows).as(query).isNotEmpty();
      }
    }
    // The ARI the notebook shows is the comparison table's, family by family.
    String agreement = queries.stream().filter(q -> q.contains("family_ari")).findFirst().orElseThrow();
    assertThat(spark.sql(agreement).collectAsList()).hasSize(RuleFamilies.FAMILIES.size());
  }

  private static void checkNotebookSettings(org.apache.spark.sql.SparkSession spark, Path conf) throws java.io.IOException {
    Map<String, String> defaults = new java.util.LinkedHashMap<>();
    for (String line : Files.readAllLines(conf.resolve("spark-defaults.conf"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] kv = line.strip().split("\\s+", 2);
        defaults.put(kv[0], kv[1]);
      }
    }
    for (String key : List.of("spark.sql.extensions", "spark.sql.catalog.spark_catalog", "spark.sql.ansi.enabled")) {
      assertThat(defaults.get(key)).as(key).isEqualTo(spark.conf().get(key));
    }
    String pom = Files.readString(ChildJvm.ROOT.resolve("pom.xml"));
    String delta = pom.replaceAll("(?s).*<delta.version>([^<]+)</delta.version>.*", "$1");
    assertThat(defaults.get("spark.jars.packages")).isEqualTo("io.delta:delta-spark_2.13:" + delta);
    String submit =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(conf.resolve("jupyter/kernel.json").toFile())
            .get("env").get("PYSPARK_SUBMIT_ARGS").asText();
    assertThat(submit).contains("--packages " + defaults.get("spark.jars.packages"));
    defaults.forEach((key, value) -> {
      if (!key.equals("spark.jars.packages")) {
        assertThat(submit).as(key).contains("--conf " + key + "=" + value);
      }
    });
  }
}
