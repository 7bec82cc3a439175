package dev.segments.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a separate JVM, built from target/classes and the runtime classpath Maven writes before
 * the tests: what a scheduler starts, and the only way to kill a run the way kill -9 does.
 */
record ChildJvm(int exitCode, String out, String err) {
  static final Path ROOT = Path.of("").toAbsolutePath();

  static ChildJvm run(List<String> jvmFlags, String... args) throws IOException, InterruptedException {
    Path classpathFile = ROOT.resolve("target/runtime-classpath.txt");
    if (!Files.exists(classpathFile)) {
      throw new IllegalStateException(classpathFile + " is missing: run the tests through Maven (mvn test)");
    }
    String classpath = ROOT.resolve("target/classes") + ":" + Files.readString(classpathFile).strip();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + ROOT.resolve("jobs/jvm.options"));
    command.add("-Xmx1g");
    // A short run on tiny data spends more in the optimising compiler than it gains from it.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Duser.timezone=UTC");
    command.add("-Dlog4j2.configurationFile=segments-log4j2.properties");
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(classpath);
    command.add("dev.segments.cli.Main");
    command.addAll(List.of(args));
    Path out = Files.createTempFile("segments-child", ".out");
    Path err = Files.createTempFile("segments-child", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("child JVM did not finish in 10 minutes: " + command);
      }
      return new ChildJvm(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
