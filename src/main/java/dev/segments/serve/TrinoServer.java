package dev.segments.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segments.SegmentsException;
import dev.segments.io.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Trino server over the warehouse's Delta tables, for BI tools: the Delta Lake connector with a
 * file metastore, every table registered in schema {@code delta.segments}. Trino is downloaded once
 * from Maven Central into a cache folder and runs as a child process on a Java 22+ JDK (Trino refuses
 * Java 17); it listens on 127.0.0.1 unless told otherwise, and only with authentication when not.
 */
public final class TrinoServer implements AutoCloseable {
  public static final String VERSION = "476";
  public static final String CATALOG = "delta";
  public static final String SCHEMA = "segments";
  private static final String USER = "segments";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How to start: the warehouse, where to listen, and where Trino and its state live. */
  public record Options(Path warehouse, String bind, int port, Path cache, Path authConfig, Path javaHome) {}

  private final Process process;
  private final Path state;
  private final String bind;
  private final int port;
  private final List<String> tables;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TrinoServer(Process process, Path state, String bind, int port, List<String> tables) {
    this.process = process;
    this.state = state;
    this.bind = bind;
    this.port = port;
    this.tables = tables;
  }

  /** Installs Trino if needed, starts it, waits until it answers and registers every table. */
  public static TrinoServer start(Options o) {
    List<String> tables = tables(o.warehouse());
    if (tables.isEmpty()) {
      throw SegmentsException.noInput("No Delta tables in " + o.warehouse());
    }
    boolean loopback = isLoopback(o.bind());
    if (!loopback && o.authConfig() == null) {
      throw SegmentsException.usage(
          "Refusing to listen on " + o.bind() + " without authentication: pass --auth-config FILE with Trino's"
              + " TLS and authentication settings (see README, SQL for BI tools), or bind 127.0.0.1");
    }
    Path java = javaHome(o.javaHome()).resolve("bin/java");
    Path home = install(o.cache());
    Path state = o.cache().resolve("state-" + o.port());
    try {
      deleteTree(state);
      Path etc = Files.createDirectories(state.resolve("etc"));
      Path catalog = Files.createDirectories(etc.resolve("catalog"));
      Path metastore = Files.createDirectories(state.resolve("metastore"));
      List<String> config =
          new ArrayList<>(
              List.of(
                  "coordinator=true",
                  "node-scheduler.include-coordinator=true",
                  // One node that is its own worker: under load (a busy CI machine) its heartbeats
                  // arrive late, and a failure detector would drop the only node ("No nodes available").
                  "failure-detector.enabled=false",
                  "http-server.http.port=" + o.port(),
                  "discovery.uri=http://127.0.0.1:" + o.port(),
                  "query.max-memory=512MB",
                  "query.max-memory-per-node=512MB",
                  "catalog.config-dir=" + catalog,
                  "plugin.dir=" + home.resolve("plugin")));
      if (o.authConfig() != null) {
        config.addAll(Files.readAllLines(o.authConfig()));
      }
      Files.writeString(etc.resolve("config.properties"), lines(config.toArray(String[]::new)));
      Files.writeString(
          catalog.resolve(CATALOG + ".properties"),
          lines(
              "connector.name=delta_lake",
              "hive.metastore=file",
              // A local:/// URI: with file:/// the metastore's schemas silently never appear.
              "hive.metastore.catalog.dir=local://" + metastore.toAbsolutePath(),
              "fs.native-local.enabled=true",
              "local.location=/",
              "delta.register-table-procedure.enabled=true"));
      Files.writeString(
          etc.resolve("log.properties"),
          // Which node the scheduler sees, for the log tail a failed query reports.
          lines("io.trino=WARN", "io.airlift=WARN", "io.trino.metadata.DiscoveryNodeManager=INFO"));
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      command.addAll(
          List.of(
              "-Xmx1G", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djdk.attach.allowAttachSelf=true",
              "--enable-native-access=ALL-UNNAMED",
              // Node properties go in as system properties, as Trino's own launcher passes them.
              "-Dnode.environment=segments",
              "-Dnode.id=segments-" + o.port(),
              "-Dnode.data-dir=" + state.resolve("data"),
              "-Dnode.bind-ip=" + o.bind(),
              "-Dnode.internal-address=" + (loopback ? "127.0.0.1" : o.bind()),
              "-Dconfig=" + etc.resolve("config.properties"),
              "-Dlog.levels-file=" + etc.resolve("log.properties"),
              "-cp", home.resolve("lib") + "/*",
              "io.trino.server.TrinoServer"));
      Process process =
          new ProcessBuilder(command)
              .directory(state.toFile())
              .redirectErrorStream(true)
              .redirectOutput(state.resolve("server.log").toFile())
              .start();
      TrinoServer server = new TrinoServer(process, state, o.bind(), o.port(), tables);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      server.awaitReady(state.resolve("server.log"));
      server.register(o.warehouse());
      server.awaitScans();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:trino://" + (bind.equals("0.0.0.0") ? "127.0.0.1" : bind) + ":" + port + "/" + CATALOG + "/" + SCHEMA;
  }

  public List<String> tables() {
    return tables;
  }

  /** The last lines of the server's log, for a message when a query fails. */
  public String logTail() {
    return tail(state.resolve("server.log"));
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Blocks until the server process ends (Ctrl-C stops it through the shutdown hook). */
  public int await() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    try {
      // The metastore and logs are rebuilt at every start; nothing in them outlives the server.
      deleteTree(state);
    } catch (IOException | UncheckedIOException e) {
      // Left behind in the cache folder; the next start on this port clears it.
    }
  }

  /** Runs one statement through Trino's HTTP protocol and returns its rows. */
  public List<List<Object>> execute(String sql) {
    try {
      HttpRequest first =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/statement"))
              .header("X-Trino-User", USER)
              .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
              .build();
      JsonNode page = JSON.readTree(http.send(first, HttpResponse.BodyHandlers.ofString()).body());
      List<List<Object>> rows = new ArrayList<>();
      while (true) {
        if (page.has("error")) {
          throw SegmentsException.data("Trino refused `" + sql + "`: " + page.get("error").path("message").asText());
        }
        for (JsonNode row : page.path("data")) {
          rows.add(JSON.convertValue(row, List.class));
        }
        if (!page.has("nextUri")) {
          return rows;
        }
        HttpRequest next =
            HttpRequest.newBuilder(URI.create(page.get("nextUri").asText())).header("X-Trino-User", USER).GET().build();
        page = JSON.readTree(http.send(next, HttpResponse.BodyHandlers.ofString()).body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    HttpRequest info = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info")).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw SegmentsException.usage("Trino stopped while starting (exit " + process.exitValue() + "): " + tail(log));
      }
      try {
        JsonNode body = JSON.readTree(http.send(info, HttpResponse.BodyHandlers.ofString()).body());
        if (!body.path("starting").asBoolean(true)) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause();
    }
    String last = tail(log);
    close();
    throw SegmentsException.usage("Trino did not become ready in 3 minutes: " + last);
  }

  /**
   * Blocks until a registered table can be scanned. The scheduler learns which nodes serve the Delta
   * catalog from a node list it refreshes every few seconds; until its first refresh after start, a
   * query that reads a table fails with "No nodes available" although queries without one succeed.
   */
  private void awaitScans() {
    String probe = "SELECT count(*) FROM " + CATALOG + "." + SCHEMA + "." + (tables.contains(Tables.RUNS) ? Tables.RUNS : tables.get(0));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try {
        execute(probe);
        return;
      } catch (SegmentsException e) {
        if (!e.getMessage().contains("No nodes available") || System.nanoTime() > deadline) {
          // The tail first: close() deletes the log with the rest of the server's state.
          String log = logTail();
          close();
          throw SegmentsException.usage("Trino cannot read the tables: " + e.getMessage() + "\n" + log);
        }
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void register(Path warehouse) {
    execute("CREATE SCHEMA IF NOT EXISTS " + CATALOG + "." + SCHEMA);
    for (String table : tables) {
      execute(
          "CALL " + CATALOG + ".system.register_table(schema_name => '" + SCHEMA + "', table_name => '" + table
              + "', table_location => 'local://" + warehouse.toAbsolutePath().normalize().resolve(table) + "')");
    }
  }

  /** The warehouse's Delta tables: folders holding a _delta_log. */
  static List<String> tables(Path warehouse) {
    if (!Files.isDirectory(warehouse)) {
      throw SegmentsException.noInput("Warehouse not found: " + warehouse);
    }
    try (Stream<Path> children = Files.list(warehouse)) {
      return children
          .filter(p -> Files.isDirectory(p.resolve("_delta_log")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Trino's server tarball from Maven Central, unpacked once into the cache. */
  static Path install(Path cache) {
    Path home = cache.resolve("trino-server-" + VERSION);
    Path installed = home.resolve(".installed");
    if (Files.isRegularFile(installed)) {
      return home;
    }
    String url =
        "https://repo1.maven.org/maven2/io/trino/trino-server/" + VERSION + "/trino-server-" + VERSION + ".tar.gz";
    try {
      Files.createDirectories(cache);
      Path archive = cache.resolve("trino-server-" + VERSION + ".tar.gz.part");
      System.err.println("segments: downloading Trino " + VERSION + " (about 800 MB, once) from " + url);
      HttpResponse<InputStream> response =
          HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
              .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw SegmentsException.usage("Cannot download Trino from " + url + ": HTTP " + response.statusCode());
      }
      try (InputStream in = response.body()) {
        Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
      }
      Path unpacking = cache.resolve("unpacking");
      deleteTree(unpacking);
      Files.createDirectories(unpacking);
      Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacking.toString()).inheritIO().start();
      if (tar.waitFor() != 0) {
        throw SegmentsException.usage("Cannot unpack " + archive + " (tar exit " + tar.exitValue() + ")");
      }
      // Trino loads every plugin folder at start; only Delta Lake is used. Its jars are hard links to
      // other plugins' copies in the archive, so those folders can go once it is unpacked.
      Path plugins = unpacking.resolve("trino-server-" + VERSION).resolve("plugin");
      try (Stream<Path> folders = Files.list(plugins)) {
        for (Path folder : folders.filter(f -> !f.getFileName().toString().equals("delta-lake")).toList()) {
          deleteTree(folder);
        }
      }
      deleteTree(home);
      Files.move(unpacking.resolve("trino-server-" + VERSION), home);
      Files.writeString(installed, url + "\n");
      Files.delete(archive);
      deleteTree(unpacking);
      return home;
    } catch (IOException e) {
      throw SegmentsException.usage("Cannot install Trino into " + cache + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JDK Trino accepts: the given one, TRINO_JAVA_HOME, or the newest of 22+ under /usr/lib/jvm. */
  static Path javaHome(Path given) {
    List<Path> candidates = new ArrayList<>();
    if (given != null) {
      candidates.add(given);
    }
    String env = System.getenv("TRINO_JAVA_HOME");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.filter(d -> javaVersion(d) >= 22).sorted(Comparator.comparingInt(TrinoServer::javaVersion).reversed()).forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (Path candidate : candidates) {
      if (javaVersion(candidate) >= 22 && Files.isExecutable(candidate.resolve("bin/java"))) {
        return candidate;
      }
    }
    throw SegmentsException.usage(
        "Trino " + VERSION + " needs Java 22 or newer: none found (set TRINO_JAVA_HOME or pass --java-home;"
            + " Temurin 25 is at /usr/lib/jvm/temurin-25-jdk-amd64 on our machines)");
  }

  /** The feature release of a JDK folder, from its release file; 0 when unknown. */
  static int javaVersion(Path home) {
    Properties release = new Properties();
    try (InputStream in = Files.newInputStream(home.resolve("release"))) {
      release.load(in);
      String version = release.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
      return Integer.parseInt(version.split("[.+-]")[0]);
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw SegmentsException.usage("Invalid --bind: " + bind + " (not an address)");
    }
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  private static String tail(Path log) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
