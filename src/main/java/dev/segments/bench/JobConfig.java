package dev.segments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The job's YAML for the generated files: the demo's column mapping (the generator is the demo's),
 * every other key at its default, so the benchmark measures the job as shipped. The warehouse and
 * the as-of date are given on the command line of each run.
 */
final class JobConfig {
  private JobConfig() {}

  /** Full mode: the input file holds the whole history. */
  static Path full(Path file, Path csv, String size) throws IOException {
    return write(file, "Full pipeline over the generated " + size + " rows.", csv, "full");
  }

  /** Incremental mode: the input folder receives one file per delivery (history, then each night). */
  static Path incremental(Path file, Path dropFolder, String what) throws IOException {
    return write(file, "Nightly path: " + what + ".", dropFolder, "incremental");
  }

  private static Path write(Path file, String comment, Path input, String mode) throws IOException {
    String yaml =
        """
        # Written by jobs/benchmark. %s
        input:
          path: %s
          format: csv
          mode: %s
        columns:
          customer-id: customer_id
          order-id: invoice_no
          timestamp: invoice_date
          timestamp-format: "yyyy-MM-dd HH:mm:ss"
          time-zone: UTC
          quantity: quantity
          unit-price: unit_price
          product-id: stock_code
        clean:
          dedupe:
            mode: whole-row
        """
            .formatted(comment, quoted(input.toString()), mode);
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** YAML single quotes: nothing is special inside but the quote itself, written twice. */
  private static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
