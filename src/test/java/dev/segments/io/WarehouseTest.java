package dev.segments.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {
  private static final StructType LINES =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("order_key", DataTypes.StringType)
          .add("event_ts", DataTypes.TimestampType)
          .add("event_date", DataTypes.DateType)
          .add("line_amount", DataTypes.createDecimalType(38, 6))
          .add("line_hash", DataTypes.LongType)
          .add("batch_id", DataTypes.StringType);

  @TempDir Path dir;

  private static Dataset<Row> lines(String customer, String day, String batch) {
    return TestSpark.rows(
        LINES,
        new Object[] {
          customer, customer + "-o1", Timestamp.valueOf(day + " 10:00:00"), Date.valueOf(day),
          new java.math.BigDecimal("12.500000"), 42L, batch
        });
  }

  /**
   * A warehouse written before clv_models had fitted_as_of (output schema 1): the first run of this
   * release adds the column after status, once; the old row reads as a model fitted on its own date,
   * so a night may reuse it, and the next row is appended with the column.
   */
  @Test
  void aWarehouseOfOutputSchemaOneIsMigratedOnce() {
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    java.time.LocalDate may1 = java.time.LocalDate.of(2024, 5, 1);
    dev.segments.clv.ClvModel fitted =
        new dev.segments.clv.ClvModel(may1, "fitted", may1, 0.5, 2.0, 1.5, 9.0, -100.0, 1.2, 4.0, 120.0, -50.0, 80, 60);
    warehouse.appendRun(
        Tables.CLV_MODELS,
        fitted.toDataset(TestSpark.spark()).drop("fitted_as_of").withColumn("run_id", org.apache.spark.sql.functions.lit("r1")));
    Dataset<Row> reused =
        fitted.reusedOn(java.time.LocalDate.of(2024, 5, 3)).toDataset(TestSpark.spark())
            .withColumn("run_id", org.apache.spark.sql.functions.lit("r2"));
    // Columns never change by accident: the new row does not fit the old table.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> warehouse.appendRun(Tables.CLV_MODELS, reused))
        .hasMessageContaining("schema mismatch");

    assertThat(Migrations.apply(warehouse)).containsExactly("clv_models.fitted_as_of");
    assertThat(Migrations.apply(warehouse)).isEmpty();
    assertThat(warehouse.read(Tables.CLV_MODELS).schema().fieldNames())
        .containsSubsequence("as_of", "status", "fitted_as_of", "r", "run_id");
    warehouse.appendRun(Tables.CLV_MODELS, reused);

    List<Row> rows = warehouse.read(Tables.CLV_MODELS).orderBy("as_of").collectAsList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).isNullAt(rows.get(0).fieldIndex("fitted_as_of"))).isTrue();
    assertThat(dev.segments.clv.ClvModel.fromRow(rows.get(0))).isEqualTo(fitted);
    dev.segments.clv.ClvModel second = dev.segments.clv.ClvModel.fromRow(rows.get(1));
    assertThat(second.asOf()).isEqualTo(java.time.LocalDate.of(2024, 5, 3));
    assertThat(second.fittedAsOf()).isEqualTo(may1);
    assertThat(second.r()).isEqualTo(0.5);
    // Age counts from the fit: 2 days old on 05-03, so a 3-day limit reuses it and a 2-day one does not.
    assertThat(second.reusableOn(java.time.LocalDate.of(2024, 5, 3), 3)).isTrue();
    assertThat(second.reusableOn(java.time.LocalDate.of(2024, 5, 3), 2)).isFalse();
    assertThat(second.reusableOn(java.time.LocalDate.of(2024, 4, 30), 3)).as("fitted after the date").isFalse();
  }

  @Test
  void transactionsKeepMinMaxStatisticsOnlyOnTheColumnsReadersFilterOn() throws IOException {
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    warehouse.overwrite(Tables.TRANSACTIONS, lines("c1", "2024-05-01", "b1"));
    // A full run overwrites the table and a nightly run appends: the property outlives both.
    warehouse.overwrite(Tables.TRANSACTIONS, lines("c2", "2024-05-02", "b2"));
    warehouse.append(Tables.TRANSACTIONS, lines("c3", "2024-05-03", "b3"));

    Set<String> expected = Set.of("customer_id", "event_date", "event_ts", "batch_id");
    List<JsonNode> adds = addActions(dir.resolve("wh").resolve(Tables.TRANSACTIONS).resolve("_delta_log"));
    assertThat(adds).hasSize(3);
    for (JsonNode add : adds) {
      JsonNode stats = new ObjectMapper().readTree(add.get("stats").asText());
      assertThat(stats.get("numRecords").asLong()).isEqualTo(1);
      assertThat(fieldNames(stats.get("minValues"))).isEqualTo(expected);
      assertThat(fieldNames(stats.get("maxValues"))).isEqualTo(expected);
    }
    assertThat(warehouse.read(Tables.TRANSACTIONS).where("event_date = date'2024-05-03'").count()).isEqualTo(1);

    // Other tables keep Delta's default: statistics on every column.
    warehouse.overwrite(Tables.PARETO_CURVE, lines("c1", "2024-05-01", "b1"));
    JsonNode other = addActions(dir.resolve("wh").resolve(Tables.PARETO_CURVE).resolve("_delta_log")).get(0);
    assertThat(fieldNames(new ObjectMapper().readTree(other.get("stats").asText()).get("minValues")))
        .contains("line_amount", "line_hash", "order_key");
  }

  @Test
  void perCustomerTablesKeepStatisticsOnTheCustomerOnlyWhetherCreatedWithConstraintsOrByTheirFirstWrite()
      throws IOException {
    StructType perCustomer =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("r_score", DataTypes.IntegerType)
            .add("frequency", DataTypes.LongType)
            .add("as_of", DataTypes.DateType)
            .add("run_id", DataTypes.StringType);
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    // customer_segments is created by CREATE TABLE with its constraints; customer_clv by its first write.
    for (String table : List.of(Tables.CUSTOMER_SEGMENTS, Tables.CUSTOMER_CLV)) {
      warehouse.appendRun(
          table, TestSpark.rows(perCustomer, new Object[] {"c1", 3, 2L, Date.valueOf("2024-05-01"), "r1"}));
      List<JsonNode> adds = addActions(dir.resolve("wh").resolve(table).resolve("_delta_log"));
      assertThat(adds).hasSize(1);
      JsonNode stats = new ObjectMapper().readTree(adds.get(0).get("stats").asText());
      assertThat(fieldNames(stats.get("minValues"))).as(table).isEqualTo(Set.of("customer_id"));
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The add actions of every commit, oldest first. */
  private static List<JsonNode> addActions(Path log) throws IOException {
    List<JsonNode> adds = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(log)) {
      for (Path commit : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        for (String line : Files.readAllLines(commit)) {
          JsonNode action = json.readTree(line);
          if (action.has("add")) {
            adds.add(action.get("add"));
          }
        }
      }
    }
    return adds;
  }
}
