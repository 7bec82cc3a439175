package dev.segments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Starts {@link DuckDbPeer} in a child JVM on the benchmark's own classpath (which has DuckDB). */
final class PeerRunner {
  /** The peer's JVM holds only JDBC glue; DuckDB's memory is native and limited by its own setting. */
  private static final String PEER_HEAP = "-Xmx512m";
  /** How DuckDB says that its memory limit was reached (its OutOfMemoryException). */
  private static final String OUT_OF_MEMORY = "Out of Memory Error";

  private final long memoryLimitBytes;
  private final long machineBytes;
  private final Path logs;
  private final String mainClass;

  /** One way to run the peer: where its tables live ({@link DuckDbPeer#IN_MEMORY} or a file) and its memory_limit. */
  record Attempt(String database, long memoryBytes) {
    /** The memory limit as the options write it: {@code 2g}, {@code 1536m}. */
    String limit() {
      long mib = memoryBytes >> 20;
      return mib % 1024 == 0 ? (mib / 1024) + "g" : mib + "m";
    }

    /** How its logs are named when it runs out of memory: {@code in-memory-2g}, {@code file-4g}. */
    String label() {
      return (database.equals(DuckDbPeer.IN_MEMORY) ? "in-memory" : "file") + "-" + limit();
    }

    String description() {
      return (database.equals(DuckDbPeer.IN_MEMORY) ? "an in-memory database" : "a database file")
          + " with memory_limit " + limit();
    }
  }

  /** An attempt that ran out of memory, and its child process (logs moved to {@code <name>-<label>}). */
  record OutOfMemory(Attempt attempt, ChildProcess.Result child) {}

  /**
   * One peer run: the attempt measured, its child process and the {@code key=value} lines it printed,
   * and the attempts that ran out of memory before it.
   */
  record PeerRun(
      String name, Attempt attempt, ChildProcess.Result child, Map<String, String> values, List<OutOfMemory> outOfMemory) {
    long count(String key) {
      String v = values.get(key);
      return v == null ? -1 : Long.parseLong(v);
    }

    /** The report's note on the attempts that ran out of memory before the one measured; null when none did. */
    String outOfMemoryNote(String size) {
      if (outOfMemory.isEmpty()) {
        return null;
      }
      List<String> attempts = new ArrayList<>();
      for (OutOfMemory failed : outOfMemory) {
        attempts.add(String.format(Locale.ROOT, "on %s after %.1f s (`logs/%s-%s.err`)",
            failed.attempt().description(), failed.child().seconds(), name, failed.attempt().label()));
      }
      return String.format(Locale.ROOT, "%s: DuckDB ran out of memory %s; the run measured is the one on %s.",
          size, String.join(", then ", attempts), attempt.description());
    }
  }

  PeerRunner(long memoryLimitBytes, long machineBytes, Path logs) {
    this(memoryLimitBytes, machineBytes, logs, DuckDbPeer.class.getName());
  }

  /** @param mainClass the peer's main class, with {@link DuckDbPeer}'s arguments and output */
  PeerRunner(long memoryLimitBytes, long machineBytes, Path logs, String mainClass) {
    this.memoryLimitBytes = memoryLimitBytes;
    this.machineBytes = machineBytes;
    this.logs = logs;
    this.mainClass = mainClass;
  }

  /**
   * The attempts in the order a DuckDB user would make them: an in-memory database with the job's
   * memory budget; when its tables outgrow it, a database file, whose blocks DuckDB's buffer manager
   * can evict; when even that runs out (at 100M lines its duplicate aggregation needed more than 2 GB
   * on some runs and not on others), the file with twice and then four times the budget, while that
   * stays within half the machine's memory. More memory can only make the peer faster, so the job's
   * ratio is judged against a peer at least as fast as one held to the job's budget.
   */
  static List<Attempt> attempts(long budgetBytes, long machineBytes) {
    List<Attempt> attempts = new ArrayList<>();
    attempts.add(new Attempt(DuckDbPeer.IN_MEMORY, budgetBytes));
    attempts.add(new Attempt(DuckDbPeer.ON_FILE, budgetBytes));
    for (long more = 2 * budgetBytes; more <= 4 * budgetBytes && more <= machineBytes / 2; more *= 2) {
      attempts.add(new Attempt(DuckDbPeer.ON_FILE, more));
    }
    return attempts;
  }

  /**
   * Runs the attempts in turn until one does not run out of memory; that one is measured. The failed
   * attempts' minutes are not DuckDB's time for the work.
   */
  PeerRun run(String name, Path csv, LocalDate asOf, Path scratch) throws IOException, InterruptedException {
    List<OutOfMemory> failed = new ArrayList<>();
    List<Attempt> attempts = attempts(memoryLimitBytes, machineBytes);
    for (int i = 0; ; i++) {
      Attempt attempt = attempts.get(i);
      PeerRun run = attempt(name, csv, asOf, scratch, attempt, failed);
      boolean last = i == attempts.size() - 1;
      if (last || run.child().ok() || !Files.readString(run.child().stderr()).contains(OUT_OF_MEMORY)) {
        return run;
      }
      String kept = name + "-" + attempt.label();
      Files.move(run.child().stdout(), logs.resolve(kept + ".out"), StandardCopyOption.REPLACE_EXISTING);
      Files.move(run.child().stderr(), logs.resolve(kept + ".err"), StandardCopyOption.REPLACE_EXISTING);
      failed.add(new OutOfMemory(attempt, run.child()));
    }
  }

  private PeerRun attempt(
      String name, Path csv, LocalDate asOf, Path scratch, Attempt attempt, List<OutOfMemory> failed)
      throws IOException, InterruptedException {
    Folders.fresh(scratch);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        // DuckDB's JDBC driver unpacks its native library into the temporary folder: kept in the work folder.
        List.of(java, PEER_HEAP, "-Djava.io.tmpdir=" + Files.createDirectories(scratch.resolve("tmp")),
            "-cp", System.getProperty("java.class.path"), mainClass,
            csv.toString(), asOf.toString(), scratch.resolve("rfm.parquet").toString(),
            Long.toString(attempt.memoryBytes()), scratch.resolve("spill").toString(), attempt.database());
    ChildProcess.Result child = ChildProcess.run(command, Map.of(), logs, name);
    Map<String, String> values = child.values();
    return new PeerRun(name, attempt, child, values, List.copyOf(failed));
  }
}
