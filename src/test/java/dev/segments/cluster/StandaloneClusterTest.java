package dev.segments.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.segments.SmallJob;
import dev.segments.TableDump;
import dev.segments.TestSpark;
import dev.segments.cli.Main;
import dev.segments.io.Tables;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real distributed engine: a Spark standalone cluster of a master and two one-core
 * workers started by jobs/spark-cluster, the CLI submitted to it as the driver. Its tables equal
 * those of a local run of the same config although a worker and its executor are killed mid-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneClusterTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path SCRIPT = ROOT.resolve("jobs/spark-cluster");

  /**
   * A run takes about a minute on two busy cores: the bound only keeps a hung run from hanging CI.
   */
  private static final long RUN_MINUTES = 10;

  private static final String TRANSACTIONS =
      String.join(
          "\n",
          "invoice,sku,qty,when,price,cust",
          "1,A,2,2024-03-01 09:00,5.00,c1",
          "1,B,1,2024-03-01 09:00,3.00,c1",
          "1,B,1,2024-03-01 09:00,3.00,c1",
          "2,A,1,2024-03-01 10:00,100,c2",
          "3,C,3,2024-03-01 12:00,1.00,c3",
          "4,B,1,2024-03-02 10:00,20.00,c1",
          "C5,C,-1,2024-03-02 12:00,1.00,c3",
          "6,A,4,2024-03-02 12:00,7.00,c4",
          "7,A,1,2024-03-02 12:00,7.00,",
          "8,D,2,2024-03-02 15:00,4.50,c5",
          "9,A,1,2024-03-02 16:00,9.00,c2",
          "");

  private Path dir;
  private Path cluster;
  private Path jar;
  private Path config;

  @BeforeAll
  void startTheCluster(@TempDir Path tempDir) throws IOException, InterruptedException {
    dir = tempDir;
    require(
        Files.isDirectory(ROOT.resolve("target/classes/dev/segments")),
        "target/classes (run through mvn test)");
    for (String tool : List.of("bash", "setsid", "pgrep", "java")) {
      require(onPath(tool), "the command " + tool);
    }
    require(
        Files.isDirectory(ROOT.resolve("target/spark-home/jars")) || onPath("mvn"),
        "mvn (assembles target/spark-home)");
    jar = applicationJar(dir.resolve("segments.jar"));
    cluster = dir.resolve("cluster");
    Path startErr = dir.resolve("start.err");
    Process starting =
        start(
            List.of("start", "--dir", cluster.toString(), "--workers", "2", "--port", "0"),
            startErr);

    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("transactions.csv"), TRANSACTIONS);
    config =
        Files.writeString(dir.resolve("job.yaml"), SmallJob.yaml(input, "full"));
    TestSpark.spark();

    Script started = finish(starting, startErr, "start");
    assertThat(started.exitCode()).as(started.err()).isZero();
    assertThat(started.out()).contains("with 2 worker(s)");
  }

  @AfterAll
  void stopTheCluster() throws IOException, InterruptedException {
    if (cluster == null) {
      return;
    }
    Script stopped = script(List.of("stop", "--dir", cluster.toString()));
    assertThat(stopped.exitCode()).as(stopped.err()).isZero();
    assertThat(script(List.of("status", "--dir", cluster.toString())).out())
        .contains("not running");
  }

  /**
   * One submission shows both claims: the work is distributed over both workers, and when worker 1
   * and its executor die mid-run the driver recomputes what was lost and writes the tables of a
   * local run of the same config.
   */
  @Test
  void aRunOnTheClusterSurvivesTheLossOfAWorkerAndWritesTheTablesOfALocalRun()
      throws Exception {
    Path warehouse = dir.resolve("submitted");
    Path err = dir.resolve("submitted.err");
    Process driver = start(submit(warehouse), err);
    // The reference, beside the submission: the same config on the test JVM's local session (two
    // cores, two partitions). The cluster's processes mostly wait on each other.
    CompletableFuture<Map<String, List<String>>> local =
        CompletableFuture.supplyAsync(() -> localRun(dir.resolve("local")));
    try {
      ProcessHandle worker =
          ProcessHandle.of(
                  Long.parseLong(Files.readString(cluster.resolve("worker-1.pid")).strip()))
              .orElseThrow();
      // Mid-run: the first stage is done (its rows cached on the executors) and the worker has an
      // executor; kill -9 both, as a machine that dies takes its executors with it.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(RUN_MINUTES);
      while (worker.descendants().findAny().isEmpty()
          || !Files.readString(err).contains("segments: clean done")) {
        if (!driver.isAlive() || System.nanoTime() > deadline) {
          fail(
              "The run ended or stalled before the worker could be killed:\n"
                  + Files.readString(err));
        }
        Thread.sleep(200);
      }
      List<ProcessHandle> killed = new ArrayList<>(worker.descendants().toList());
      killed.add(worker);
      killed.forEach(ProcessHandle::destroyForcibly);
      while (killed.stream().anyMatch(ProcessHandle::isAlive)) {
        Thread.sleep(100);
      }

      Script run = finish(driver, err, "submit");
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("succeeded");
      assertThat(run.err()).containsPattern("Lost (an )?executor");
    } finally {
      driver.destroyForcibly().waitFor();
    }
    // Both workers ran an executor of the application: the work was distributed.
    for (String name : List.of("worker-1", "worker-2")) {
      try (Stream<Path> apps = Files.list(cluster.resolve(name))) {
        assertThat(apps.map(p -> p.getFileName().toString()))
            .as(name)
            .anyMatch(app -> app.startsWith("app-"));
      }
    }
    assertThat(tables(warehouse)).isEqualTo(local.get(RUN_MINUTES, TimeUnit.MINUTES));
  }

  private Map<String, List<String>> localRun(Path warehouse) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(OutputStream.nullOutputStream())) {
      code = Main.execute(runArgs(warehouse).toArray(String[]::new), o, e);
    }
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return tables(warehouse);
  }

  private List<String> runArgs(Path warehouse) {
    return List.of(
        "run",
        "--config",
        config.toString(),
        "--warehouse",
        warehouse.toString(),
        "--as-of",
        "2024-03-02");
  }

  private List<String> submit(Path warehouse) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "--dir",
                cluster.toString(),
                // Shuffle blocks of a dead executor are gone: fail the fetch at once and recompute
                // them, instead of three retries 5 s apart.
                "--conf",
                "spark.shuffle.io.maxRetries=0",
                "--"));
    args.addAll(runArgs(warehouse));
    return args;
  }

  /**
   * Every table a run always writes, as sorted rows without run ids; the run log differs by nature.
   */
  private static Map<String, List<String>> tables(Path warehouse) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String table : Tables.ALWAYS) {
      if (!table.equals(Tables.RUNS)) {
        out.put(table, TableDump.rows(warehouse, table));
      }
    }
    return out;
  }

  private record Script(int exitCode, String out, String err) {}

  private Script script(List<String> args) throws IOException, InterruptedException {
    Path err = Files.createTempFile(dir, "script", ".err");
    return finish(start(args, err), err, args.get(0));
  }

  private static Script finish(Process process, Path err, String command)
      throws IOException, InterruptedException {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fail("jobs/spark-cluster " + command + " did not finish in " + RUN_MINUTES + " minutes");
    }
    return new Script(process.exitValue(), out, Files.readString(err));
  }

  /**
   * Starts jobs/spark-cluster with stderr to a file. Short-lived JVMs on two cores spend most of
   * their CPU in the C2 compiler: the driver and executors stop at C1, which halves the run. The
   * time zone is the test JVM's, so that both runs parse timestamps alike.
   */
  private Process start(List<String> args, Path err) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("SEGMENTS_JAR", jar.toString());
    String quick = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Duser.timezone=UTC";
    builder.environment().put("SEGMENTS_JAVA_OPTS", "-Xmx1g " + quick);
    builder.environment().put("SEGMENTS_EXECUTOR_JAVA_OPTS", quick);
    return builder.start();
  }

  /**
   * The application jar, from the classes this test run compiled (target/segments.jar may be
   * stale).
   */
  private static Path applicationJar(Path jar) throws IOException {
    Path classes = ROOT.resolve("target/classes");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(
            new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  /** Outside CI a machine without the tools skips the test; on CI (CI=true) that is a failure. */
  private static void require(boolean present, String what) {
    if (!present) {
      String message = "The standalone-cluster test needs " + what;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message);
      }
      Assumptions.abort(message);
    }
  }
}
