package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one measured child process: its wall time, exit code and peak resident memory. */
final class ChildProcess {
  private static final long POLL_MILLIS = 100;

  /** The process being measured, ended by the shutdown hook if the benchmark itself is stopped. */
  private static volatile Process current;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopCurrent));
  }

  /**
   * How one child ran; stdout and stderr are kept as files beside the report.
   *
   * @param peakRssBytes the peak RSS of the process tree (see {@link ProcessMemory#peakBytes})
   * @param rootPeakRssBytes the peak RSS of the child process itself (its VmHWM)
   * @param meanLoad the machine's 1-minute load average over the run: well above the cores, other
   *     work competed for them and the time is inflated
   */
  record Result(
      int exitCode, double seconds, long peakRssBytes, long rootPeakRssBytes, double meanLoad, Path stdout,
      Path stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The {@code key=value} lines the child printed on stdout (the peer's and the baseline's results). */
    Map<String, String> values() throws IOException {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          values.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return values;
    }
  }

  private ChildProcess() {}

  static Result run(List<String> command, Map<String, String> env, Path logs, String name)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    Path stdout = logs.resolve(name + ".out");
    Path stderr = logs.resolve(name + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    current = process;
    ProcessMemory memory = new ProcessMemory(process.toHandle());
    double load = 0;
    int samples = 0;
    try {
      do {
        memory.sample();
        load += loadAverage();
        samples++;
      } while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS));
    } finally {
      current = null;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        process.exitValue(), seconds, memory.peakBytes(), memory.rootPeakBytes(), load / samples, stdout, stderr);
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static void stopCurrent() {
    Process p = current;
    if (p != null && p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
  }
}
