package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Starts {@link DuckDbPeer} in a child JVM on the benchmark's own classpath (which has DuckDB). */
final class PeerRunner {
  /** The peer's JVM holds only JDBC glue; DuckDB's memory is native and limited by its own setting. */
  private static final String PEER_HEAP = "-Xmx512m";
  /** How DuckDB says that its memory limit was reached (its OutOfMemoryException). */
  private static final String OUT_OF_MEMORY = "Out of Memory Error";

  private final long memoryLimitBytes;
  private final Path logs;

  /**
   * One peer run: the child process and the {@code key=value} lines it printed; {@code inMemory} is
   * the run of an in-memory database that ran out of memory before it, or null.
   */
  record PeerRun(ChildProcess.Result child, Map<String, String> values, ChildProcess.Result inMemory) {
    long count(String key) {
      String v = values.get(key);
      return v == null ? -1 : Long.parseLong(v);
    }
  }

  PeerRunner(long memoryLimitBytes, Path logs) {
    this.memoryLimitBytes = memoryLimitBytes;
    this.logs = logs;
  }

  /**
   * Runs the peer on an in-memory database, as a DuckDB user would first; when its tables outgrow
   * the memory limit, runs it again on a database file, as that user would next. Only the second
   * run is measured: the failed attempt's minutes are not DuckDB's time for the work.
   */
  PeerRun run(String name, Path csv, LocalDate asOf, Path scratch) throws IOException, InterruptedException {
    PeerRun first = attempt(name, csv, asOf, scratch, DuckDbPeer.IN_MEMORY);
    if (first.child().ok() || !Files.readString(first.child().stderr()).contains(OUT_OF_MEMORY)) {
      return first;
    }
    String failed = name + "-in-memory";
    Files.move(first.child().stdout(), logs.resolve(failed + ".out"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(first.child().stderr(), logs.resolve(failed + ".err"), StandardCopyOption.REPLACE_EXISTING);
    PeerRun second = attempt(name, csv, asOf, scratch, DuckDbPeer.ON_FILE);
    return new PeerRun(second.child(), second.values(), first.child());
  }

  private PeerRun attempt(String name, Path csv, LocalDate asOf, Path scratch, String database)
      throws IOException, InterruptedException {
    Folders.fresh(scratch);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        // DuckDB's JDBC driver unpacks its native library into the temporary folder: kept in the work folder.
        List.of(java, PEER_HEAP, "-Djava.io.tmpdir=" + Files.createDirectories(scratch.resolve("tmp")),
            "-cp", System.getProperty("java.class.path"), DuckDbPeer.class.getName(),
            csv.toString(), asOf.toString(), scratch.resolve("rfm.parquet").toString(),
            Long.toString(memoryLimitBytes), scratch.resolve("spill").toString(), database);
    ChildProcess.Result child = ChildProcess.run(command, Map.of(), logs, name);
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(child.stdout(), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new PeerRun(child, values, null);
  }
}
