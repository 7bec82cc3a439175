package dev.segments.io;

import dev.segments.SegmentsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Optional;

/**
 * One writer per warehouse. Delta on a local file system does not stop two processes from
 * committing over each other, so a run holds a lock file in the warehouse folder for as long as it
 * writes. The file names the holder's host and process id; a lock whose process is gone (a run
 * killed with kill -9) is stale and is taken over. On object stores this file gives no mutual
 * exclusion (see README): there the scheduler must not start two runs at once.
 */
public final class WarehouseLock implements AutoCloseable {
  static final String FILE = "_segments.lock";

  private final Path file;
  private final String content;

  private WarehouseLock(Path file, String content) {
    this.file = file;
    this.content = content;
  }

  /** Takes the lock, or throws a busy error (exit 75) naming the run that holds it. */
  public static WarehouseLock acquire(String warehouse, String purpose) {
    Optional<Path> folder = localFolder(warehouse);
    if (folder.isEmpty()) {
      return new WarehouseLock(null, null);
    }
    Path file = folder.get().resolve(FILE);
    String content = host() + " " + ProcessHandle.current().pid() + " " + Instant.now() + " " + purpose + "\n";
    try {
      Files.createDirectories(folder.get());
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          Files.writeString(file, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE);
          return new WarehouseLock(file, content);
        } catch (FileAlreadyExistsException held) {
          String holder = read(file);
          if (holder == null) {
            continue;
          }
          if (!isStale(holder)) {
            throw SegmentsException.busy(
                "Another run is writing to " + warehouse + " (lock " + file + ": " + holder.strip()
                    + "); try again when it has finished");
          }
          // Only the file we judged stale is removed: a run that took over in between keeps its lock.
          if (holder.equals(read(file))) {
            Files.deleteIfExists(file);
          }
        }
      }
      throw SegmentsException.busy("Another run took the lock of " + warehouse + " just now; try again later");
    } catch (IOException e) {
      throw SegmentsException.usage("Cannot lock the warehouse " + warehouse + ": " + e.getMessage());
    }
  }

  /** True when the lock names a process of this host that no longer runs. */
  static boolean isStale(String holder) {
    String[] parts = holder.strip().split(" ");
    if (parts.length < 2 || !parts[0].equals(host())) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (file == null) {
      return;
    }
    try {
      if (content.equals(read(file))) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  private static Optional<Path> localFolder(String warehouse) {
    if (warehouse.startsWith("file:")) {
      return Optional.of(Paths.get(URI.create(warehouse)));
    }
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return Optional.empty();
    }
    return Optional.of(Paths.get(warehouse).toAbsolutePath().normalize());
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().replace(' ', '_');
    } catch (IOException e) {
      return "localhost";
    }
  }
}
