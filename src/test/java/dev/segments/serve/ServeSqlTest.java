package dev.segments.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segments.SegmentsException;
import dev.segments.SmallJob;
import dev.segments.TestSpark;
import dev.segments.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL for BI tools: Trino started over a warehouse the job wrote answers through its JDBC driver what
 * Spark answers over the same Delta tables, and is stopped. Trino needs a Java 22+ JDK; in CI
 * (CI=true) a missing one fails the test, elsewhere the test is skipped with the reason.
 */
class ServeSqlTest {
  @TempDir Path dir;

  static final String SEGMENTS =
      "SELECT customer_id, r_score, f_score, m_score, rfm_segment, value_tier, quadrant, cluster_id, cluster_name"
          + " FROM customer_segments ORDER BY customer_id";
  static final String COMPARISON =
      "SELECT family, label, cluster_id, customers, revenue, share_of_label, family_ari, family_nmi"
          + " FROM segment_comparison ORDER BY family, label, cluster_id";

  @Test
  void trinoAnswersWhatSparkAnswersOverTheSameTables() throws Exception {
    Path javaHome = trinoJava();
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("day1.csv"), SmallJob.DAY1);
    Files.writeString(input.resolve("day2.csv"), SmallJob.DAY2);
    Path cfg = Files.writeString(dir.resolve("job.yaml"), SmallJob.yaml(input, "full"));
    Path warehouse = dir.resolve("warehouse");
    assertThat(cli("run", "--config", cfg.toString(), "--warehouse", warehouse.toString(), "--as-of", "2024-03-02")).isZero();

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "segments");
    try (TrinoServer server =
        TrinoServer.start(new TrinoServer.Options(warehouse, "127.0.0.1", port, cache, null, javaHome))) {
      assertThat(server.jdbcUrl()).isEqualTo("jdbc:trino://127.0.0.1:" + port + "/delta/segments");
      assertThat(server.tables()).contains("customer_segments", "segment_comparison", "runs");
      try (Connection trino = DriverManager.getConnection(server.jdbcUrl(), "analyst", null)) {
        List<String> registered = new dev.segments.io.Warehouse(TestSpark.spark(), warehouse.toString()).registerAll();
        try {
          List<String> segments = trinoRows(trino, SEGMENTS, server);
          assertThat(segments).hasSize(4).isEqualTo(sparkRows(SEGMENTS));
          assertThat(segments).allMatch(r -> !r.contains("|null|null"));
          List<String> comparison = trinoRows(trino, COMPARISON, server);
          assertThat(comparison).isNotEmpty().isEqualTo(sparkRows(COMPARISON));
        } finally {
          // The shared session's catalog must not keep names pointing into this test's folder.
          registered.forEach(t -> TestSpark.spark().sql("DROP TABLE IF EXISTS `" + t + "`"));
        }
      }
    }
    assertThat(new ServerSocket(port).getLocalPort()).as("the port is free again: Trino stopped").isEqualTo(port);
  }

  @Test
  void aNonLoopbackBindWithoutAuthenticationIsRefused() throws Exception {
    Path warehouse = Files.createDirectories(dir.resolve("wh").resolve("runs").resolve("_delta_log"));
    assertThatThrownBy(
            () -> TrinoServer.start(new TrinoServer.Options(warehouse.getParent().getParent(), "0.0.0.0", 8080, dir, null, null)))
        .isInstanceOf(SegmentsException.class)
        .hasMessageStartingWith("Refusing to listen on 0.0.0.0 without authentication");
  }

  private static Path trinoJava() {
    try {
      return TrinoServer.javaHome(null);
    } catch (SegmentsException missing) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw missing;
      }
      Assumptions.abort(missing.getMessage());
      return null;
    }
  }

  private static int cli(String... args) {
    TestSpark.spark();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return code;
  }

  private static List<String> trinoRows(Connection trino, String sql, TrinoServer server) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement st = trino.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          line.append(canonical(rs.getObject(i))).append('|');
        }
        rows.add(line.toString());
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e.getMessage() + "\nTrino's log ends:\n" + server.logTail(), e);
    }
    return rows;
  }

  private static List<String> sparkRows(String sql) {
    List<String> rows = new ArrayList<>();
    for (Row r : TestSpark.spark().sql(sql).collectAsList()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        line.append(canonical(r.get(i))).append('|');
      }
      rows.add(line.toString());
    }
    return rows;
  }

  /** Numbers by value (a decimal's scale, an int's width), everything else as text. */
  private static String canonical(Object value) {
    if (value instanceof java.math.BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
      return String.valueOf(n.longValue());
    }
    return String.valueOf(value);
  }
}
