package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad nights of issue "Hardening": each case with the outcome README's table promises. */
class HardeningTest {
  @TempDir Path dir;

  private CliRun run(Path input, String configText, String... extra) throws IOException {
    Path cfg = Files.writeString(dir.resolve("job.yaml"), configText);
    List<String> args =
        new java.util.ArrayList<>(
            List.of("run", "--config", cfg.toString(), "--input", input.toString(), "--warehouse", warehouse().toString()));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private Path warehouse() {
    return dir.resolve("wh");
  }

  private List<Row> table(String name) {
    return table(warehouse(), name);
  }

  private static List<Row> table(Path warehouse, String name) {
    return TestSpark.spark().read().format("delta").load(warehouse.resolve(name).toString()).collectAsList();
  }

  /** Nothing published: no per-customer table, and no run recorded as succeeded. */
  private void assertNothingPublished() {
    assertThat(warehouse().resolve("customer_segments/_delta_log")).doesNotExist();
    if (Files.exists(warehouse().resolve("runs/_delta_log"))) {
      assertThat(table("runs")).allSatisfy(r -> assertThat((String) r.getAs("status")).isNotEqualTo("succeeded"));
    }
  }

  private static void assertOneLine(CliRun run, int code) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
    assertThat(run.err()).doesNotContain("\tat ");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void case1CorruptFilesFailBeforeAnyCommitNamingTheFile() throws IOException {
    // A gzip cut off in the middle of its stream, as an interrupted transfer leaves it.
    Path gz = dir.resolve("cut.csv.gz");
    StringBuilder csv = new StringBuilder("invoice,sku,qty,when,price,cust\n");
    for (int i = 0; i < 2_000; i++) {
      csv.append(i).append(",A,1,2024-01-10 09:00,").append(i % 97).append(".25,c").append(i % 50).append('\n');
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] whole = Files.readAllBytes(gz);
    Files.write(gz, Arrays.copyOf(whole, whole.length / 2));
    CliRun truncated = run(gz, EndToEndTest.config(gz, 0.2));
    assertOneLine(truncated, 65);
    assertThat(truncated.err()).contains("Input file ").contains("cut.csv.gz").contains("could not be read");
    assertNothingPublished();

    // A Parquet file whose footer was overwritten.
    Path parquetDir = dir.resolve("parquet");
    TestSpark.rows(
            new StructType()
                .add("invoice", DataTypes.StringType).add("sku", DataTypes.StringType).add("qty", DataTypes.IntegerType)
                .add("when", DataTypes.StringType).add("price", DataTypes.StringType).add("cust", DataTypes.StringType),
            new Object[] {"1", "A", 2, "2024-01-10 09:00", "5.00", "c1"},
            new Object[] {"2", "B", 1, "2024-02-10 09:00", "7.00", "c2"})
        .coalesce(1)
        .write()
        .parquet(parquetDir.toString());
    Path part;
    try (var files = Files.list(parquetDir)) {
      part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Arrays.fill(bytes, bytes.length - 40, bytes.length - 4, (byte) 0x5a);
    Files.write(part, bytes);
    // Written on this file system, the file has a Hadoop checksum beside it that no longer matches.
    CliRun checksum = run(parquetDir, EndToEndTest.config(parquetDir, 0.2));
    assertOneLine(checksum, 65);
    assertThat(checksum.err()).contains(part.getFileName().toString()).contains("could not be read");
    assertNothingPublished();
    // Copied in from elsewhere, the file has no Hadoop checksum beside it: the Parquet reader meets the damage.
    try (var crcs = Files.list(parquetDir)) {
      for (Path crc : crcs.filter(p -> p.getFileName().toString().endsWith(".crc")).toList()) {
        Files.delete(crc);
      }
    }
    CliRun damaged = run(parquetDir, EndToEndTest.config(parquetDir, 0.2));
    assertOneLine(damaged, 65);
    assertThat(damaged.err()).contains(part.getFileName().toString()).contains("could not be read");
    assertNothingPublished();
  }

  @Test
  void case2ATypeChangeQuarantinesUnreadableRowsAndANewColumnIsIgnoredWithAWarning() throws IOException {
    // The quantity column arrives as text: what still reads as a number is kept, the rest quarantined.
    Path parquetDir = dir.resolve("typed");
    TestSpark.rows(
            new StructType()
                .add("invoice", DataTypes.StringType).add("sku", DataTypes.StringType).add("qty", DataTypes.StringType)
                .add("when", DataTypes.StringType).add("price", DataTypes.createDecimalType(10, 2))
                .add("cust", DataTypes.StringType),
            new Object[] {"1", "A", "2", "2024-01-10 09:00", new BigDecimal("5.00"), "c1"},
            new Object[] {"2", "B", "two", "2024-02-10 09:00", new BigDecimal("7.00"), "c2"},
            new Object[] {"3", "C", "3", "2024-02-11 09:00", new BigDecimal("1.50"), "c2"})
        .coalesce(1)
        .write()
        .parquet(parquetDir.toString());
    CliRun run = run(parquetDir, EndToEndTest.config(parquetDir, 0.5));
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<Row> quarantined = table("quarantine");
    assertThat(quarantined).hasSize(1);
    assertThat((String) quarantined.get(0).getAs("reason")).isEqualTo("bad_number");
    assertThat((String) quarantined.get(0).getAs("raw_row")).contains("\"qty\":\"two\"");
    assertThat(table("customer_features")).extracting(r -> (String) r.getAs("customer_id")).containsExactlyInAnyOrder("c1", "c2");

    // The next delivery has a column the source added: ignored, and named in the run's warning.
    Path drifted = dir.resolve("drifted");
    TestSpark.rows(
            new StructType()
                .add("invoice", DataTypes.StringType).add("promo", DataTypes.StringType).add("sku", DataTypes.StringType)
                .add("qty", DataTypes.StringType).add("when", DataTypes.StringType)
                .add("price", DataTypes.createDecimalType(10, 2)).add("cust", DataTypes.StringType),
            new Object[] {"1", "SPRING", "A", "2", "2024-01-10 09:00", new BigDecimal("5.00"), "c1"},
            new Object[] {"4", null, "B", "1", "2024-03-10 09:00", new BigDecimal("7.00"), "c2"})
        .coalesce(1)
        .write()
        .parquet(drifted.toString());
    CliRun next = run(drifted, EndToEndTest.config(drifted, 0.5));
    assertThat(next.exitCode()).as(next.err()).isZero();
    String warning = "Input columns not in the input of the last published run (2024-02-11), not mapped, ignored: promo";
    assertThat(next.out()).contains(warning);
    assertThat(table("runs"))
        .filteredOn(r -> "2024-03-10".equals(String.valueOf((Object) r.getAs("as_of"))))
        .extracting(r -> (String) r.getAs("warnings"))
        .singleElement()
        .satisfies(w -> assertThat(w).startsWith(warning));
  }

  /** One run for cases 6 and 7: money edges and impossible timestamps, as of 2024-03-31. */
  static final List<String> EDGES =
      List.of(
          // three and four decimals, and a sum that needs all of them
          "1,A,3,2024-01-10 09:00,0.3333,m1",
          "1,B,7,2024-01-10 09:00,1.125,m1",
          "2,A,1,2024-02-10 09:00,99999999.9999,m1",
          // a refund larger than everything bought: net negative
          "3,A,1,2024-01-05 10:00,10.00,m2",
          "C4,B,-2,2024-01-20 10:00,12.50,m2",
          // a free item: zero value, still a purchase
          "5,A,2,2024-03-01 10:00,0.00,m3",
          "6,B,1,2024-03-02 10:00,4.10,m3",
          // after the as-of date: left out of this date, counted
          "7,A,1,2024-04-01 00:30,5.00,m3",
          "8,A,1,2024-05-01 09:00,5.00,m1",
          // before the configured earliest date, and no date at all
          "9,A,1,1970-01-01 00:00,5.00,m4",
          "10,A,1,2024-02-30 09:00,5.00,m4",
          "11,A,1,not a date,5.00,m4",
          "12,A,1,2024-02-01 09:00,2.00,m4");

  private static Path edges;
  private static CliRun edgesRun;

  /** Cases 6 and 7 read one run: a pipeline run costs seconds, the assertions nothing. */
  private static synchronized Path edgesWarehouse() throws IOException {
    if (edges == null) {
      Path work = Files.createTempDirectory("segments-edges-");
      Path input = Files.writeString(work.resolve("edges.csv"), "invoice,sku,qty,when,price,cust\n" + String.join("\n", EDGES) + "\n");
      String text = EndToEndTest.config(input, 0.5).replace("clean:\n", "clean:\n  earliest-date: 2000-01-01\n");
      Path cfg = Files.writeString(work.resolve("job.yaml"), text);
      edgesRun = CliRun.of("run", "--config", cfg.toString(), "--warehouse", work.resolve("wh").toString(), "--as-of", "2024-03-31");
      edges = work.resolve("wh");
    }
    assertThat(edgesRun.exitCode()).as(edgesRun.err()).isZero();
    return edges;
  }

  /**
   * Case 3: a table's columns change only deliberately. An append with a column the table lacks is
   * refused by Delta (no schema merge on the job's tables), and a warehouse a newer release wrote
   * (a higher output schema in runs) is refused whole, by a run and by maintain, before any write.
   */
  @Test
  void case3OutputSchemaChangesNeverHappenByAccidentAndANewerWarehouseIsRefused() throws IOException {
    Path warehouse = dev.segments.TestFiles.copyTree(edgesWarehouse(), dir.resolve("newer"));
    var spark = TestSpark.spark();
    String segments = warehouse.resolve(dev.segments.io.Tables.CUSTOMER_SEGMENTS).toString();
    long before = new dev.segments.io.Warehouse(spark, warehouse.toString()).version(dev.segments.io.Tables.CUSTOMER_SEGMENTS);
    org.apache.spark.sql.Dataset<Row> widened =
        spark.read().format("delta").load(segments).withColumn("surprise", org.apache.spark.sql.functions.lit(1));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new dev.segments.io.Warehouse(spark, warehouse.toString()).appendRun(dev.segments.io.Tables.CUSTOMER_SEGMENTS, widened))
        .hasMessageContaining("schema mismatch");
    assertThat(new dev.segments.io.Warehouse(spark, warehouse.toString()).version(dev.segments.io.Tables.CUSTOMER_SEGMENTS)).isEqualTo(before);

    String runs = warehouse.resolve(dev.segments.io.Tables.RUNS).toString();
    spark.read().format("delta").load(runs).limit(1)
        .withColumn("run_id", org.apache.spark.sql.functions.lit("run-of-a-newer-release"))
        .withColumn("output_schema", org.apache.spark.sql.functions.lit(dev.segments.io.RunLog.OUTPUT_SCHEMA + 1))
        .write().format("delta").mode("append").save(runs);
    Map<String, Long> versions = NightlyRunsTest.versions(warehouse);
    CliRun refused =
        CliRun.of("run", "--config", edgesWarehouse().getParent().resolve("job.yaml").toString(), "--warehouse", warehouse.toString(),
            "--as-of", "2024-04-01");
    assertOneLine(refused, 2);
    assertThat(refused.err())
        .startsWith("segments: The warehouse ")
        .contains("was written by a newer release of segments (output schema " + (dev.segments.io.RunLog.OUTPUT_SCHEMA + 1));
    assertOneLine(CliRun.of("maintain", "--warehouse", warehouse.toString()), 2);
    assertThat(NightlyRunsTest.versions(warehouse)).isEqualTo(versions);
  }

  @Test
  void case6MoneySumsAreExactAndARefundLargerThanThePurchasesStaysNegative() throws IOException {
    Path warehouse = edgesWarehouse();
    // The reference: BigDecimal over the lines with a real date from 2000-01-01 to the as-of date.
    java.time.format.DateTimeFormatter format =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm").withResolverStyle(java.time.format.ResolverStyle.STRICT);
    Map<String, BigDecimal> expected = new TreeMap<>();
    for (String line : EDGES) {
      String[] f = line.split(",");
      java.time.LocalDate day;
      try {
        day = java.time.LocalDateTime.parse(f[3], format).toLocalDate();
      } catch (java.time.format.DateTimeParseException e) {
        continue;
      }
      if (!day.isBefore(java.time.LocalDate.of(2000, 1, 1)) && !day.isAfter(java.time.LocalDate.of(2024, 3, 31))) {
        expected.merge(f[5], new BigDecimal(f[2]).multiply(new BigDecimal(f[4])), BigDecimal::add);
      }
    }
    Map<String, BigDecimal> monetary =
        table(warehouse, "customer_features").stream()
            .collect(Collectors.toMap(r -> (String) r.getAs("customer_id"), r -> (BigDecimal) r.getAs("monetary"), (a, b) -> a, TreeMap::new));
    assertThat(monetary.keySet()).isEqualTo(expected.keySet());
    expected.forEach((customer, value) -> assertThat(monetary.get(customer)).as(customer).isEqualByComparingTo(value));
    assertThat(monetary.get("m1")).isEqualByComparingTo("100000008.8748");
    assertThat(monetary.get("m2")).isEqualByComparingTo("-15.00");
  }

  @Test
  void case6AnOverflowFailsWithAClearMessageAndPublishesNothing() throws IOException {
    // Each line fits (1e12, below the limit of about 9.22e12), their sum of 2e13 does not.
    StringBuilder csv = new StringBuilder("invoice,sku,qty,when,price,cust\n");
    for (int i = 0; i < 20; i++) {
      csv.append(i).append(",A,1000000,2024-01-10 09:00,1000000,c1\n");
    }
    Path input = Files.writeString(dir.resolve("huge.csv"), csv.toString());
    CliRun run = run(input, EndToEndTest.config(input, 0.2));
    assertOneLine(run, 65);
    assertThat(run.err()).contains("beyond what the job sums exactly").contains("not published");
    assertNothingPublished();
  }

  @Test
  void case6ALineBeyondTheExactRangeIsQuarantinedAndTheRestScored() throws IOException {
    String csv =
        "invoice,sku,qty,when,price,cust\n"
            + "1,A,10000000,2024-01-10 09:00,10000000,c1\n"
            + "2,A,2,2024-01-10 09:00,1.25,c1\n"
            + "3,A,1,2024-01-11 09:00,4.00,c2\n";
    Path input = Files.writeString(dir.resolve("typo.csv"), csv);
    CliRun run = run(input, EndToEndTest.config(input, 0.5));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(table("quarantine")).extracting(r -> (String) r.getAs("reason")).containsExactly("amount_out_of_range");
    Map<String, BigDecimal> monetary =
        table("customer_features").stream()
            .collect(Collectors.toMap(r -> (String) r.getAs("customer_id"), r -> (BigDecimal) r.getAs("monetary")));
    assertThat(monetary).hasSize(2);
    assertThat(monetary.get("c1")).isEqualByComparingTo("2.50");
    assertThat(monetary.get("c2")).isEqualByComparingTo("4.00");
  }

  @Test
  void case7LinesAfterTheAsOfDateAreCountedAndImpossibleDatesQuarantinedWithAReason() throws IOException {
    Path warehouse = edgesWarehouse();
    assertThat(edgesRun.out()).contains("2 lines after the as-of date left out");
    Row published = table(warehouse, "runs").get(0);
    assertThat((Long) published.getAs("lines_after_as_of")).isEqualTo(2L);
    assertThat((Long) published.getAs("quarantined_rows")).isEqualTo(3L);
    Map<String, String> reasons =
        table(warehouse, "quarantine").stream()
            .collect(Collectors.toMap(r -> ((String) r.getAs("raw_row")).replaceAll(".*\"invoice\":\"(\\d+)\".*", "$1"), r -> (String) r.getAs("reason")));
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of("9", "before_earliest_date", "10", "bad_timestamp", "11", "bad_timestamp"));
    // The lines after the as-of date are kept in the transactions table for later dates.
    assertThat(table(warehouse, "transactions")).hasSize(EDGES.size() - 3);
  }
}
