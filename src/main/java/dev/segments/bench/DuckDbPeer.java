package dev.segments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peer, run as its own JVM so that its memory (DuckDB's native memory included) is measured
 * apart from the benchmark's. Prints {@code key=value} lines: the row accounting, the customers and
 * the seconds of each step. DuckDB is reached through JDBC only, so nothing here needs it to compile.
 *
 * <p>Arguments: CSV file, as-of date, output Parquet file, memory limit in bytes, spill folder, and
 * where the tables live: {@value #IN_MEMORY} or {@value #ON_FILE}. An in-memory database keeps its
 * tables in memory, which is fastest while they fit (a file cost 6 s more at 10M rows); at 100M
 * rows the deduplicated lines outgrow a 2 GB limit, and a database file in the spill folder lets
 * DuckDB's buffer manager evict table blocks.
 */
public final class DuckDbPeer {
  static final String IN_MEMORY = "memory";
  static final String ON_FILE = "file";

  private DuckDbPeer() {}

  public static void main(String[] args) throws SQLException, IOException {
    if (args.length != 6 || !(args[5].equals(IN_MEMORY) || args[5].equals(ON_FILE))) {
      System.err.println("usage: DuckDbPeer CSV AS_OF OUT_PARQUET MEMORY_BYTES TEMP_DIR memory|file");
      System.exit(2);
    }
    Map<String, String> out = new LinkedHashMap<>();
    String url =
        args[5].equals(IN_MEMORY) ? "jdbc:duckdb:" : "jdbc:duckdb:" + Files.createDirectories(Path.of(args[4])).resolve("peer.duckdb");
    try (Connection db = DriverManager.getConnection(url);
        Statement sql = db.createStatement()) {
      out.put("duckdb_version", single(sql, "SELECT version()")[0]);
      out.put("database", args[5]);
      for (String setting : PeerSql.settings(Long.parseLong(args[3]), args[4])) {
        sql.execute(setting);
      }
      long start = System.nanoTime();
      sql.execute(PeerSql.load(args[0]));
      String[] accepted = single(sql, PeerSql.acceptedCounts());
      String[] rejected = single(sql, PeerSql.rejectedCounts());
      long read = System.nanoTime();
      sql.execute(PeerSql.rfm(LocalDate.parse(args[1])));
      String[] customers = single(sql, PeerSql.customerCounts());
      long rfm = System.nanoTime();
      sql.execute(PeerSql.write(args[2]));
      long written = System.nanoTime();

      long rejectedLines = Long.parseLong(rejected[0]);
      long rejectedDistinct = Long.parseLong(rejected[1]);
      out.put("input_rows", Long.toString(Long.parseLong(accepted[0]) + rejectedLines));
      out.put("duplicate_rows", Long.toString(Long.parseLong(accepted[1]) + rejectedLines - rejectedDistinct));
      out.put("quarantined_rows", Long.toString(Long.parseLong(accepted[2]) + rejectedDistinct));
      out.put("clean_rows", accepted[3]);
      out.put("customers_scored", customers[0]);
      out.put("customers_returns_only", customers[1]);
      out.put("clean_s", seconds(start, read));
      out.put("rfm_s", seconds(read, rfm));
      out.put("write_s", seconds(rfm, written));
    }
    out.forEach((k, v) -> System.out.println(k + "=" + v));
  }

  private static String[] single(Statement sql, String query) throws SQLException {
    try (ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      String[] row = new String[rs.getMetaData().getColumnCount()];
      for (int i = 0; i < row.length; i++) {
        row[i] = rs.getString(i + 1);
      }
      return row;
    }
  }

  private static String seconds(long from, long to) {
    return String.format(java.util.Locale.ROOT, "%.2f", (to - from) / 1e9);
  }
}
