package dev.segments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the numbers were measured on: they mean little without the cores, memory and versions. */
record Machine(int cores, long memoryBytes, String cpu, String os, String java, String spark, String delta) {
  static Machine describe(Path root) {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        cpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        version(root, "spark-sql_2\\.13-([^/:]+)\\.jar"),
        version(root, "delta-spark_2\\.13-([^/:]+)\\.jar"));
  }

  private static long memTotal() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    return 0;
  }

  private static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return System.getProperty("os.arch");
  }

  /** The version the job runs with, from the jar names of its runtime classpath. */
  private static String version(Path root, String jar) {
    for (String line : lines(root.resolve("target").resolve("runtime-classpath.txt"))) {
      Matcher m = Pattern.compile(jar).matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    return "unknown";
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
