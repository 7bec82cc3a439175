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
