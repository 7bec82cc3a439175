package dev.segments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer's attempts when DuckDB runs out of memory: an in-memory database, then a database file,
 * then the file with more memory, the first that does not run out being the one measured. A stand-in
 * peer plays DuckDB: it reads from its "CSV" the database and memory it needs.
 */
class PeerRunnerTest {
  private static final long GB = 1L << 30;

  @TempDir Path tmp;

  /** Runs as DuckDbPeer's child; the CSV argument names what the work needs: {@code file 4294967296}. */
  public static final class FakePeer {
    public static void main(String[] args) throws IOException {
      String[] needs = Files.readString(Path.of(args[0])).trim().split(" ");
      if (needs[0].equals("crash")) {
        System.err.println("Catalog Error: no such table");
        System.exit(1);
      }
      boolean fileNeeded = needs[0].equals("file");
      long memory = Long.parseLong(args[3]);
      if ((fileNeeded && !args[5].equals(DuckDbPeer.ON_FILE)) || memory < Long.parseLong(needs[1])) {
        System.err.println("java.sql.SQLException: Out of Memory Error: could not allocate block of size 256.0 KiB");
        System.exit(1);
      }
      System.out.println("database=" + args[5]);
      System.out.println("memory=" + memory);
      System.out.println("clean_rows=42");
    }
  }

  private PeerRunner.PeerRun run(String needs, long machineBytes) throws Exception {
    Path csv = Files.writeString(tmp.resolve("needs.txt"), needs);
    PeerRunner runner = new PeerRunner(2 * GB, machineBytes, tmp.resolve("logs"), FakePeer.class.getName());
    return runner.run("duckdb-100m", csv, LocalDate.of(2024, 12, 31), tmp.resolve("scratch"));
  }

  @Test
  void aPeerThatRunsOutOfMemoryIsMeasuredOnTheFirstAttemptThatFits() throws Exception {
    PeerRunner.PeerRun run = run("file " + 4 * GB, 24 * GB);

    assertThat(run.child().ok()).isTrue();
    assertThat(run.attempt()).isEqualTo(new PeerRunner.Attempt(DuckDbPeer.ON_FILE, 4 * GB));
    assertThat(run.values()).containsEntry("database", "file").containsEntry("memory", Long.toString(4 * GB));
    assertThat(run.count("clean_rows")).isEqualTo(42);
    assertThat(run.outOfMemory())
        .extracting(f -> f.attempt().label())
        .containsExactly("in-memory-2g", "file-2g");
    Path logs = tmp.resolve("logs");
    assertThat(Files.readString(logs.resolve("duckdb-100m-in-memory-2g.err"))).contains("Out of Memory Error");
    assertThat(Files.readString(logs.resolve("duckdb-100m-file-2g.err"))).contains("Out of Memory Error");
    assertThat(Files.readString(logs.resolve("duckdb-100m.out"))).contains("memory=" + 4 * GB);
    assertThat(run.outOfMemoryNote("100m"))
        .startsWith("100m: DuckDB ran out of memory on an in-memory database with memory_limit 2g after ")
        .contains("(`logs/duckdb-100m-in-memory-2g.err`), then on a database file with memory_limit 2g after ")
        .endsWith("(`logs/duckdb-100m-file-2g.err`); the run measured is the one on a database file with memory_limit 4g.");
  }

  @Test
  void aPeerThatFitsIsMeasuredOnItsFirstAttempt() throws Exception {
    PeerRunner.PeerRun run = run("memory " + GB, 24 * GB);

    assertThat(run.child().ok()).isTrue();
    assertThat(run.attempt()).isEqualTo(new PeerRunner.Attempt(DuckDbPeer.IN_MEMORY, 2 * GB));
    assertThat(run.outOfMemory()).isEmpty();
    assertThat(run.outOfMemoryNote("100m")).isNull();
  }

  @Test
  void anotherErrorIsNotRetriedAndMoreMemoryStaysWithinHalfTheMachine() throws Exception {
    PeerRunner.PeerRun crashed = run("crash", 24 * GB);
    assertThat(crashed.child().ok()).isFalse();
    assertThat(crashed.attempt().label()).isEqualTo("in-memory-2g");
    assertThat(crashed.outOfMemory()).isEmpty();

    // 6 GB of memory: twice the budget would be more than half of it, so the file at 2g is the last try.
    PeerRunner.PeerRun small = run("file " + 4 * GB, 6 * GB);
    assertThat(small.child().ok()).isFalse();
    assertThat(small.attempt().label()).isEqualTo("file-2g");
    assertThat(small.outOfMemory()).extracting(f -> f.attempt().label()).containsExactly("in-memory-2g");
    assertThat(PeerRunner.attempts(2 * GB, 24 * GB))
        .extracting(PeerRunner.Attempt::label)
        .containsExactly("in-memory-2g", "file-2g", "file-4g", "file-8g");
    assertThat(PeerRunner.attempts(2 * GB, 0)).extracting(PeerRunner.Attempt::label).containsExactly("in-memory-2g", "file-2g");
    assertThat(new PeerRunner.Attempt(DuckDbPeer.ON_FILE, 1536L << 20).limit()).isEqualTo("1536m");
  }
}
