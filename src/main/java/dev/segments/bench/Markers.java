package dev.segments.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/** Small properties files that say a cached file is complete and what it was made from. */
final class Markers {
  private Markers() {}

  static Properties read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }

  static void write(Path file, Properties p) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "written by jobs/benchmark; delete the folder to regenerate");
    }
  }

  static boolean sameKeys(Properties a, Properties b, String... keys) {
    for (String key : keys) {
      if (!Objects.equals(a.getProperty(key), b.getProperty(key))) {
        return false;
      }
    }
    return true;
  }
}
