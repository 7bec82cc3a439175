package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts {@link DuckDbPeer} in a child JVM on the benchmark's own classpath (which has DuckDB). */
final class PeerRunner {
  /** The peer's JVM holds only JDBC glue; DuckDB's memory is native and limited by its own setting. */
  private static final String PEER_HEAP = "-Xmx512m";

  private final long memoryLimitBytes;
  private final Path logs;

  /** One peer run: the child process and the {@code key=value} lines it printed. */
  record PeerRun(ChildProcess.Result child, Map<String, String> values) {
    long count(String key) {
      String v = values.get(key);
      return v == null ? -1 : Long.parseLong(v);
    }
  }

  PeerRunner(long memoryLimitBytes, Path logs) {
    this.memoryLimitBytes = memoryLimitBytes;
    this.logs = logs;
  }

  PeerRun run(String name, Path csv, LocalDate asOf, Path scratch) throws IOException, InterruptedException {
    Folders.fresh(scratch);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        // DuckDB's JDBC driver unpacks its native library into the temporary folder: kept in the work folder.
        List.of(java, PEER_HEAP, "-Djava.io.tmpdir=" + Files.createDirectories(scratch.resolve("tmp")),
            "-cp", System.getProperty("java.class.path"), DuckDbPeer.class.getName(),
            csv.toString(), asOf.toString(), scratch.resolve("rfm.parquet").toString(),
            Long.toString(memoryLimitBytes), scratch.resolve("spill").toString());
    ChildProcess.Result child = ChildProcess.run(command, Map.of(), logs, name);
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(child.stdout(), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new PeerRun(child, values);
  }
}
