package dev.segments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peak resident memory of a process tree, sampled from /proc (Linux only; elsewhere it stays 0
 * and the report says n/a). The tree matters: {@code jobs/segments} is a shell script that execs
 * Java, and a peer may start helpers.
 */
final class ProcessMemory {
  private final ProcessHandle root;
  private long peakTreeKb;
  private long rootHighWaterKb;

  ProcessMemory(ProcessHandle root) {
    this.root = root;
  }

  /** One sample: the tree's current total, and the root process's own high-water mark so far. */
  void sample() {
    // Hadoop starts small helpers (getconf, chmod) from the JVM. Until it execs, such a child shares
    // the JVM's address space (vfork) or its pages (fork) and reports the JVM's whole RSS: counted
    // once per address space, found by the layout fields that exec replaces.
    Map<String, Long> rssBySpace = new HashMap<>();
    for (ProcessHandle p : tree()) {
      long pid = p.pid();
      String space = addressSpace(pid);
      Map<String, Long> status = status(pid);
      // A helper that exec'd (or ended) between the two reads may have shown the JVM's RSS under its
      // new layout: it is skipped, as a helper caught mid-exec is tiny anyway.
      if (space == null || !space.equals(addressSpace(pid))) {
        continue;
      }
      long rss = status.getOrDefault("VmRSS", 0L);
      rssBySpace.merge(space, rss, Math::max);
      if (p.equals(root)) {
        // Exact even between samples (the kernel keeps it), but gone once the process exits.
        rootHighWaterKb = Math.max(rootHighWaterKb, status.getOrDefault("VmHWM", 0L));
      }
    }
    long totalKb = rssBySpace.values().stream().mapToLong(Long::longValue).sum();
    peakTreeKb = Math.max(peakTreeKb, totalKb);
  }

  /**
   * The larger of the sampled tree total and the root's own high-water mark: the first sees helpers
   * running beside the JVM, the second a spike shorter than the sampling interval. (jobs/segments
   * execs Java, so the root is the JVM itself.)
   */
  long peakBytes() {
    return Math.max(peakTreeKb, rootHighWaterKb) * 1024;
  }

  /** The root process's own peak RSS (VmHWM), for telling a JVM's own peak from helpers beside it. */
  long rootPeakBytes() {
    return rootHighWaterKb * 1024;
  }

  private List<ProcessHandle> tree() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /** Code, stack, heap and argument addresses (fields 26-28, 45-51 of /proc/PID/stat): equal until exec. */
  private static String addressSpace(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state), so field n is f[n - 3].
      return String.join(",", f[23], f[24], f[25], f[42], f[43], f[44], f[45], f[46], f[47], f[48]);
    } catch (IOException | RuntimeException e) {
      return null; // ended, or no /proc
    }
  }

  private static Map<String, Long> status(long pid) {
    Map<String, Long> values = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
          String[] parts = line.split("\\s+");
          values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended between listing and reading, or there is no /proc: nothing to add.
    }
    return values;
  }
}
