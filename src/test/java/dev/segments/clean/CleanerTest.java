package dev.segments.clean;

import static dev.segments.TestSpark.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.config.SegmentsConfig.Clean;
import dev.segments.config.SegmentsConfig.ColumnMapping;
import dev.segments.config.SegmentsConfig.Dedupe;
import dev.segments.config.SegmentsConfig.DedupeMode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CleanerTest {
  private static final List<String> COLUMNS = List.of("inv", "sku", "qty", "ts", "price", "cust", "note");
  private static final StructType RAW =
      new StructType()
          .add("inv", DataTypes.StringType)
          .add("sku", DataTypes.StringType)
          .add("qty", DataTypes.StringType)
          .add("ts", DataTypes.StringType)
          .add("price", DataTypes.StringType)
          .add("cust", DataTypes.StringType)
          .add("note", DataTypes.StringType)
          .add(RawInput.CORRUPT_RECORD, DataTypes.StringType);
  private static final ColumnMapping PRICED =
      new ColumnMapping("cust", "inv", "ts", "yyyy-MM-dd HH:mm", null, "qty", "price", null, "sku");

  private static Clean clean(DedupeMode mode, List<String> blacklist, List<String> excluded) {
    return new Clean(new Dedupe(mode, null, null), 1.0, blacklist, excluded, null);
  }

  private static Dataset<Row> validate(Clean cfg, Object[]... values) {
    RawInput raw = new RawInput(rows(RAW, values), COLUMNS, "b1");
    return Cleaner.validate(raw, PRICED, cfg);
  }

  private static Object[] line(String inv, String sku, String qty, String ts, String price, String cust) {
    return new Object[] {inv, sku, qty, ts, price, cust, "n", null};
  }

  @Test
  void wholeRowDedupeCountsEveryCopyAndKeepsOne() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1"),
            line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1"),
            line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1"),
            // Differs only in an unmapped column: not a duplicate.
            new Object[] {"1", "A", "2", "2024-01-01 10:00", "1.50", "c1", "other", null});
    assertThat(Cleaner.reconcile(v)).isEqualTo(new Reconciliation(4, 2, 2, 0));
  }

  @Test
  void theKeptRowsKeepAPartitionPerInputSplitWhenTheInputHasMoreSplitsThanTheShuffle() {
    // The lines are cached one block per partition: at 100M lines, 4 partitions made blocks of 25M
    // lines that could not be read back into a 2-3 GB heap. (Test sessions shuffle into 2 partitions,
    // or 4 once a job has run in the test JVM.)
    int shuffle = Integer.parseInt(TestSpark.spark().conf().get("spark.sql.shuffle.partitions"));
    int splits = shuffle + 4;
    Object[][] lines = new Object[13][];
    for (int i = 0; i < 12; i++) {
      lines[i] = line(String.valueOf(i), "A", "1", "2024-01-01 10:00", "1.00", "c" + (i % 5));
    }
    lines[12] = lines[3].clone();
    List<Clean> modes =
        List.of(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            new Clean(new Dedupe(DedupeMode.KEYS, List.of("inv", "sku"), null), 1.0, null, null, null));
    for (Clean cfg : modes) {
      Dataset<Row> many = Cleaner.validate(new RawInput(rows(RAW, lines).repartition(splits), COLUMNS, "b1"), PRICED, cfg);
      assertThat(many.rdd().getNumPartitions()).as(cfg.dedupe().mode().name()).isEqualTo(splits);
      assertThat(Cleaner.reconcile(many)).isEqualTo(new Reconciliation(13, 12, 1, 0));
      Dataset<Row> one = Cleaner.validate(new RawInput(rows(RAW, lines).coalesce(1), COLUMNS, "b1"), PRICED, cfg);
      assertThat(one.rdd().getNumPartitions()).as(cfg.dedupe().mode().name()).isEqualTo(shuffle);
      assertThat(Cleaner.reconcile(one)).isEqualTo(new Reconciliation(13, 12, 1, 0));
    }
  }

  @Test
  void dedupeOffKeepsIdenticalRows() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.OFF, List.of(), List.of()),
            line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1"),
            line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1"));
    assertThat(Cleaner.reconcile(v)).isEqualTo(new Reconciliation(2, 2, 0, 0));
  }

  @Test
  void keyDedupeKeepsTheLatestRowOfEachKeyWhateverTheOrder() {
    Clean cfg = new Clean(new Dedupe(DedupeMode.KEYS, List.of("inv", "sku"), "note"), 1.0, null, null, null);
    Object[] early = {"1", "A", "2", "2024-01-01 10:00", "1.50", "c1", "2024-01-01", null};
    Object[] late = {"1", "A", "3", "2024-01-01 10:00", "1.50", "c1", "2024-01-02", null};
    Object[] other = {"2", "A", "1", "2024-01-01 10:00", "1.50", "c1", "2024-01-01", null};
    for (Object[][] order : List.of(new Object[][] {early, late, other}, new Object[][] {late, other, early})) {
      Dataset<Row> v = validate(cfg, order);
      assertThat(Cleaner.reconcile(v)).isEqualTo(new Reconciliation(3, 2, 1, 0));
      Map<String, BigDecimal> qtyByInvoice =
          Cleaner.cleanLines(v).collectAsList().stream()
              .collect(Collectors.toMap(r -> r.getAs("order_id"), r -> r.getAs("quantity")));
      assertThat(qtyByInvoice.get("1")).isEqualByComparingTo("3");
      assertThat(qtyByInvoice.get("2")).isEqualByComparingTo("1");
    }
  }

  @Test
  void eachRuleQuarantinesWithItsReason() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of("13000"), List.of("POST")),
            new Object[] {"1", "A", "2", "x", null, null, null, "1,A,2,x"},
            line("2", "A", "2", "2024-01-01 10:00", "1.00", "  "),
            line("3", "A", "2", "2024-13-45 10:00", "1.00", "c1"),
            line("4", "A", "two", "2024-01-01 10:00", "1.00", "c1"),
            line("5", "A", "2", "2024-01-01 10:00", "1,00", "c1"),
            line("6", "A", "0", "2024-01-01 10:00", "1.00", "c1"),
            line("7", "A", "2", "2024-01-01 10:00", "-1.00", "c1"),
            line("8", "A", "2", "2024-01-01 10:00", "1.00", "13000.0"),
            line("9", "POST", "1", "2024-01-01 10:00", "18.00", "c1"),
            line("10", "A", "2", "2024-01-01 10:00", "1.00", "c1"));
    Map<String, String> reasonByInvoice = reasonByInvoice(v);
    assertThat(reasonByInvoice)
        .containsEntry("1", "malformed_row")
        .containsEntry("2", "missing_customer")
        .containsEntry("3", "bad_timestamp")
        .containsEntry("4", "bad_number")
        .containsEntry("5", "bad_number")
        .containsEntry("6", "zero_quantity")
        .containsEntry("7", "negative_price")
        .containsEntry("8", "blacklisted_customer")
        .containsEntry("9", "excluded_product")
        .hasSize(9);
    assertThat(Cleaner.reconcile(v)).isEqualTo(new Reconciliation(10, 1, 0, 9));
  }

  @Test
  void anAmountBeyondWhatASumHoldsExactlyIsQuarantinedAndTheLimitItselfIsKept() {
    // The limit is (2^63 - 1) millionths: 9,223,372,036,854.775807. Quantities and prices are
    // read with 18 digits, 14 and 12 before the point, so a line comes near it as 10 x 9.2e11.
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            line("1", "A", "10", "2024-01-01 10:00", "922337203685.477580", "c1"),
            line("2", "A", "-10", "2024-01-01 10:00", "922337203685.477580", "c1"),
            line("3", "A", "10", "2024-01-01 10:00", "922337203685.477581", "c1"),
            line("4", "A", "-10", "2024-01-01 10:00", "922337203685.477581", "c1"),
            line("5", "A", "10000000", "2024-01-01 10:00", "10000000", "c1"),
            line("6", "A", "100000000000000", "2024-01-01 10:00", "0", "c1"),
            line("7", "A", "99999999999999.9999", "2024-01-01 10:00", "0", "c1"),
            line("8", "A", "1", "2024-01-01 10:00", "1000000000000", "c1"));
    Map<String, String> reasonByInvoice = reasonByInvoice(v);
    assertThat(reasonByInvoice)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "3", "amount_out_of_range", "4", "amount_out_of_range", "5", "amount_out_of_range",
                "6", "bad_number", "8", "bad_number"));
    Map<String, BigDecimal> amountByInvoice =
        Cleaner.cleanLines(v).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("order_id"), r -> r.getAs("line_amount")));
    assertThat(amountByInvoice.get("1")).isEqualByComparingTo("9223372036854.7758");
    assertThat(amountByInvoice.get("2")).isEqualByComparingTo("-9223372036854.7758");
    assertThat(amountByInvoice.get("7")).isEqualByComparingTo("0");
    Row kept = Cleaner.cleanLines(v).where("order_id = '7'").first();
    assertThat((BigDecimal) kept.getAs("quantity")).isEqualByComparingTo("99999999999999.9999");
    assertThat(Cleaner.cleanLines(v).schema().apply("quantity").dataType()).isEqualTo(Cleaner.QUANTITY_TYPE);
    assertThat(Money.LIMIT).isEqualByComparingTo("9223372036854.775807");
  }

  @Test
  void aRowFailingSeveralChecksIsQuarantinedOnceUnderTheFirstWithAllReasons() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            line("1", "A", "0", "not a date", "-2", ""));
    Row q = Cleaner.quarantined(v).first();
    assertThat((String) q.getAs("reason")).isEqualTo("missing_customer");
    assertThat(q.<String>getList(q.fieldIndex("reasons")))
        .containsExactly("missing_customer", "bad_timestamp", "zero_quantity", "negative_price");
    assertThat((String) q.getAs("raw_row")).contains("\"ts\":\"not a date\"").contains("\"inv\":\"1\"");
  }

  @Test
  void customerIdsAreTrimmedAndZeroFractionsDropped() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            line("1", "A", "1", "2024-01-01 10:00", "1.00", " 13085.0 "),
            line("2", "A", "1", "2024-01-01 10:00", "1.00", "13085"),
            line("3", "A", "1", "2024-01-01 10:00", "1.00", "13085.5"),
            line("4", "A", "1", "2024-01-01 10:00", "1.00", "AB.0"));
    List<String> ids =
        Cleaner.cleanLines(v).orderBy("order_id").collectAsList().stream()
            .map(r -> (String) r.getAs("customer_id"))
            .toList();
    assertThat(ids).containsExactly("13085", "13085", "13085.5", "AB.0");
  }

  @Test
  void returnsStayAsNegativeValueAndFreeItemsAreKept() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            line("1", "A", "3", "2024-01-01 10:00", "2.125", "c1"),
            line("C2", "A", "-2", "2024-01-02 10:00", "2.125", "c1"),
            line("3", "B", "5", "2024-01-03 10:00", "0", "c1"));
    Map<String, BigDecimal> amountByInvoice =
        Cleaner.cleanLines(v).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("order_id"), r -> r.getAs("line_amount")));
    assertThat(amountByInvoice.get("1")).isEqualByComparingTo("6.375");
    assertThat(amountByInvoice.get("C2")).isEqualByComparingTo("-4.25");
    assertThat(amountByInvoice.get("3")).isEqualByComparingTo("0");
  }

  @Test
  void lineAmountsAreSignedByQuantityAndOrdersAreCustomerDaysWithoutAnOrderId() {
    ColumnMapping amounts =
        new ColumnMapping("cust", null, "ts", "yyyy-MM-dd HH:mm", "UTC", "qty", null, "price", null);
    RawInput raw =
        new RawInput(
            rows(
                RAW,
                line("x", "A", "1", "2024-01-01 10:00", "5.00", "c1"),
                line("x", "A", "-1", "2024-01-02 10:00", "5.00", "c1"),
                line("x", "A", "1", "2024-01-03 10:00", "-3.00", "c1")),
            COLUMNS,
            "b1");
    List<Row> lines =
        Cleaner.cleanLines(Cleaner.validate(raw, amounts, clean(DedupeMode.OFF, List.of(), List.of())))
            .orderBy("event_date")
            .collectAsList();
    assertThat(lines).extracting(r -> ((BigDecimal) r.getAs("line_amount")).doubleValue())
        .containsExactly(5.0, -5.0, -3.0);
    assertThat(lines).extracting(r -> (String) r.getAs("order_key"))
        .containsExactly("c1|2024-01-01", "c1|2024-01-02", "c1|2024-01-03");
  }

  @Test
  void aQuarantinedRowKeepsItsRawTextWhenSourceColumnsAreNamedLikeInternalOnes() {
    StructType named =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("quantity", DataTypes.StringType)
            .add("unit_price", DataTypes.StringType)
            .add("ts", DataTypes.StringType)
            .add(RawInput.CORRUPT_RECORD, DataTypes.StringType);
    ColumnMapping mapping =
        new ColumnMapping("customer_id", null, "ts", "yyyy-MM-dd HH:mm", null, "quantity", "unit_price", null, null);
    RawInput raw =
        new RawInput(
            rows(named, new Object[] {" 42.0", "two", "1.5", "2024-01-01 10:00", null}),
            List.of("customer_id", "quantity", "unit_price", "ts"),
            "b1");
    Row q = Cleaner.quarantined(Cleaner.validate(raw, mapping, clean(DedupeMode.WHOLE_ROW, List.of(), List.of()))).first();
    assertThat((String) q.getAs("reason")).isEqualTo("bad_number");
    assertThat((String) q.getAs("raw_row"))
        .contains("\"quantity\":\"two\"")
        .contains("\"customer_id\":\" 42.0\"");
  }

  @Test
  void aRowDeliveredInTwoBatchesIsKeptOnceUnderTheFirstBatchById() {
    StructType batched = RAW.add(RawInput.BATCH, DataTypes.StringType);
    Object[] row = line("1", "A", "2", "2024-01-01 10:00", "1.50", "c1");
    Object[] inB = java.util.Arrays.copyOf(row, row.length + 1);
    Object[] inA = java.util.Arrays.copyOf(row, row.length + 1);
    Object[] onlyB = java.util.Arrays.copyOf(line("2", "A", "2", "2024-01-01 10:00", "1.50", "c1"), row.length + 1);
    inB[row.length] = "batch-b";
    inA[row.length] = "batch-a";
    onlyB[row.length] = "batch-b";
    RawInput raw = new RawInput(rows(batched, inB, inA, onlyB), COLUMNS, "whole", List.of("batch-b", "batch-a"));
    Dataset<Row> v = Cleaner.validate(raw, PRICED, clean(DedupeMode.WHOLE_ROW, List.of(), List.of()));
    assertThat(Cleaner.reconcile(v)).isEqualTo(new Reconciliation(3, 2, 1, 0));
    Map<String, String> batchByOrder =
        Cleaner.cleanLines(v).collectAsList().stream()
            .collect(Collectors.toMap(r -> (String) r.getAs("order_id"), r -> (String) r.getAs("batch_id")));
    assertThat(batchByOrder).containsExactlyInAnyOrderEntriesOf(Map.of("1", "batch-a", "2", "batch-b"));
  }

  @Test
  void theCachedFormLeavesOutWhatFollowsFromItsColumnsAndIsCompletedToTheSameLines() {
    RawInput raw =
        new RawInput(
            rows(RAW, line(null, "A", "2", "2024-01-01 10:00", "1.50", "c1"), line("7", "B", "-1", "2024-01-02 09:30", "2.00", "c1")),
            COLUMNS,
            "b1");
    Clean cfg = clean(DedupeMode.WHOLE_ROW, List.of(), List.of());
    Dataset<Row> checked = Cleaner.checked(raw, PRICED, cfg);
    assertThat(checked.columns()).doesNotContain("order_key", "event_date", "batch_id").contains("event_ts", "line_hash");
    Map<String, List<Object>> byProduct =
        Cleaner.cleanLines(Cleaner.complete(checked, raw)).collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> (String) r.getAs("product_id"),
                    r -> List.of(r.getAs("order_key"), r.getAs("event_date").toString(), r.getAs("batch_id"))));
    // Without an order id the order is the customer's day; a multi-batch input keeps its column.
    assertThat(byProduct)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("A", List.of("c1|2024-01-01", "2024-01-01", "b1"), "B", List.of("7", "2024-01-02", "b1")));
    RawInput twoBatches = new RawInput(raw.rows().withColumn(RawInput.BATCH, org.apache.spark.sql.functions.lit("b2")), COLUMNS, "w", List.of("b1", "b2"));
    assertThat(Cleaner.checked(twoBatches, PRICED, cfg).columns()).contains("batch_id");
  }

  @Test
  void rowsDifferingOnlyInWhichFieldIsEmptyHashApart() {
    Dataset<Row> v =
        validate(
            clean(DedupeMode.WHOLE_ROW, List.of(), List.of()),
            new Object[] {"1", "A", "2", "2024-01-01 10:00", "1.50", "c1", null, "x"},
            new Object[] {"1", "A", "2", "2024-01-01 10:00", "1.50", "c1", "x", null});
    assertThat(v.select("line_hash").distinct().count()).isEqualTo(2);
  }

  private static Map<String, String> reasonByInvoice(Dataset<Row> validated) {
    return validated.collectAsList().stream()
        .filter(r -> r.getAs("reason") != null)
        .collect(Collectors.toMap(r -> invoiceOf(r), r -> r.getAs("reason")));
  }

  private static String invoiceOf(Row r) {
    String raw = r.getAs("raw_row");
    int start = raw.indexOf("\"inv\":\"") + 7;
    return raw.substring(start, raw.indexOf('"', start));
  }
}
