package dev.segments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Scratch folders of the benchmark: warehouses and deliveries are rebuilt by every run. */
final class Folders {
  private Folders() {}

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.delete(p);
    }
  }

  /** A copy of a folder and everything in it; {@code target} must not exist. */
  static void copyTree(Path source, Path target) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.toList();
    }
    for (Path p : paths) {
      Path to = target.resolve(source.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(to);
      } else {
        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  static Path fresh(Path folder) throws IOException {
    deleteTree(folder);
    return Files.createDirectories(folder);
  }

  /**
   * Puts a delivery into an input folder. A hard link costs nothing for a 10 GB file and has the
   * same bytes (so the same batch fingerprint); a copy is the fallback across file systems.
   */
  static void deliver(Path file, Path folder, String name) throws IOException {
    Path target = folder.resolve(name);
    try {
      Files.createLink(target, file);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(file, target);
    }
  }
}
