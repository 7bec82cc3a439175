package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.SmallJob;
import dev.segments.TableDump;
import dev.segments.io.Tables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 4 of issue "Hardening": one customer with half of all lines. The run completes in a separate
 * JVM of 2 GB, no task reads more shuffled records than a hash-spread share of the input (a stage that
 * gathered one customer's lines into one task would read all of the whale's), and the tables equal
 * those computed from the same data with the whale's orders pre-aggregated to one line each.
 */
class WhaleCustomerTest {
  @TempDir Path dir;

  /**
   * 120,000 lines in the suite; the benchmark's scale runs outside it with
   * {@code mvn test -Dtest=WhaleCustomerTest -Dsegments.whale.orders=200000} (4,000,000 lines).
   */
  static final int WHALE_ORDERS = Integer.getInteger("segments.whale.orders", 6_000);
  static final int WHALE_LINES_PER_ORDER = 10;
  static final int OTHERS = WHALE_ORDERS / 10;
  /** The whale's orders are spread over at most 372,000 minutes (258 days), all before the as-of date. */
  static final long MINUTES_BETWEEN_WHALE_ORDERS = Math.max(1, 372_000L / WHALE_ORDERS);
  static final int OTHER_ORDERS = 20;
  static final int OTHER_LINES_PER_ORDER = 5;
  static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  /** Writes the lines, or with {@code aggregated} the whale's orders as one line each of the same value. */
  private static void write(Path file, boolean aggregated) throws IOException {
    Random random = new Random(42);
    LocalDateTime start = LocalDateTime.of(2023, 1, 1, 8, 0);
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write(SmallJob.HEADER + "\n");
      for (int o = 0; o < WHALE_ORDERS; o++) {
        String when = start.plusMinutes(MINUTES_BETWEEN_WHALE_ORDERS * o).format(WHEN);
        BigDecimal total = BigDecimal.ZERO;
        StringBuilder lines = new StringBuilder();
        for (int l = 0; l < WHALE_LINES_PER_ORDER; l++) {
          int qty = 1 + random.nextInt(5);
          BigDecimal price = BigDecimal.valueOf(50 + random.nextInt(5000), 2);
          total = total.add(price.multiply(BigDecimal.valueOf(qty)));
          lines.append("W").append(o).append(",P").append(l).append(',').append(qty).append(',').append(when)
              .append(',').append(price).append(",whale\n");
        }
        out.write(aggregated ? "W" + o + ",ALL,1," + when + "," + total.toPlainString() + ",whale\n" : lines.toString());
      }
      for (int c = 0; c < OTHERS; c++) {
        for (int o = 0; o < OTHER_ORDERS; o++) {
          String when = start.plusDays(random.nextInt(450)).plusMinutes(random.nextInt(600)).format(WHEN);
          for (int l = 0; l < OTHER_LINES_PER_ORDER; l++) {
            out.write("C" + c + "-" + o + ",P" + l + "," + (1 + random.nextInt(3)) + "," + when + ","
                + BigDecimal.valueOf(50 + random.nextInt(3000), 2) + ",c" + c + "\n");
          }
        }
      }
    }
  }

  @Test
  void aCustomerWithHalfOfAllLinesRunsIn2GbAndEqualsThePreAggregatedRun() throws Exception {
    long whaleLines = (long) WHALE_ORDERS * WHALE_LINES_PER_ORDER;
    long allLines = whaleLines + (long) OTHERS * OTHER_ORDERS * OTHER_LINES_PER_ORDER;
    assertThat(whaleLines * 2).isEqualTo(allLines);
    Path lines = Files.createDirectories(dir.resolve("lines"));
    write(lines.resolve("sales.csv"), false);
    Path orders = Files.createDirectories(dir.resolve("orders"));
    write(orders.resolve("sales.csv"), true);

    Path events = Files.createDirectories(dir.resolve("events"));
    Path whaleWarehouse = dir.resolve("wh-lines");
    ChildJvm child =
        ChildJvm.run(
            List.of(
                "-Xmx2g",
                "-Dspark.eventLog.enabled=true",
                "-Dspark.eventLog.compress=false",
                "-Dspark.eventLog.dir=" + events.toUri(),
                // Shuffled partitions as the job makes them, not merged after the fact, so each
                // task's share of the data shows.
                "-Dspark.sql.adaptive.coalescePartitions.enabled=false"),
            "run", "--config", config(lines).toString(), "--warehouse", whaleWarehouse.toString(), "--as-of", "2024-03-31");
    assertThat(child.exitCode()).as(child.err()).isZero();
    assertThat(child.out()).contains(String.format("%,d input = %,d clean", allLines, allLines));

    // Partial aggregation before every shuffle keyed by customer: no task reads the whale's lines.
    long maxShuffled = maxShuffleRecordsReadByATask(events);
    System.out.printf("whale: %,d of %,d lines; most shuffled records one task read: %,d%n", whaleLines, allLines, maxShuffled);
    assertThat(maxShuffled).as("most shuffled records one task read").isPositive().isLessThan(whaleLines * 3 / 4);

    Path orderWarehouse = dir.resolve("wh-orders");
    CliRun aggregated =
        CliRun.of("run", "--config", config(orders).toString(), "--warehouse", orderWarehouse.toString(), "--as-of", "2024-03-31");
    assertThat(aggregated.exitCode()).as(aggregated.err()).isZero();
    assertThat(TableDump.rows(whaleWarehouse, Tables.CUSTOMER_FEATURES))
        .hasSize(OTHERS + 1)
        .isEqualTo(TableDump.rows(orderWarehouse, Tables.CUSTOMER_FEATURES));
    assertThat(TableDump.rows(whaleWarehouse, Tables.CUSTOMER_SEGMENTS, "cluster_id", "cluster_name"))
        .isEqualTo(TableDump.rows(orderWarehouse, Tables.CUSTOMER_SEGMENTS, "cluster_id", "cluster_name"));
    assertThat(TableDump.rowsWhere(whaleWarehouse, Tables.CUSTOMER_FEATURES, "customer_id = 'whale'"))
        .singleElement().asString().contains("|" + WHALE_ORDERS + "|");
  }

  private Path config(Path input) throws IOException {
    return Files.writeString(dir.resolve(input.getFileName() + ".yaml"), SmallJob.yaml(input, "full"));
  }

  /** The largest "Total Records Read" of shuffle reads over every task in the event log. */
  private static long maxShuffleRecordsReadByATask(Path events) throws IOException {
    ObjectMapper json = new ObjectMapper();
    long max = 0;
    // Spark 4 rolls event logs by default: a folder per application with numbered files in it.
    try (Stream<Path> logs = Files.walk(events)) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        for (String line : Files.readAllLines(log)) {
          if (line.contains("\"SparkListenerTaskEnd\"")) {
            JsonNode read = json.readTree(line).path("Task Metrics").path("Shuffle Read Metrics").path("Total Records Read");
            max = Math.max(max, read.asLong(0));
          }
        }
      }
    }
    return max;
  }
}
