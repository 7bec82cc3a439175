package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each user error gets one clear line on stderr, no stack trace, and its exit code. */
class BadInputTest {
  @TempDir Path dir;

  private CliRun runWith(Path input, String configText) throws IOException {
    Path cfg = Files.writeString(dir.resolve("job.yaml"), configText);
    return CliRun.of(
        "run", "--config", cfg.toString(), "--input", input.toString(),
        "--warehouse", dir.resolve("wh").toString());
  }

  private static void assertOneLine(CliRun run, int code, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(run.err().strip()).isEqualTo("segments: " + message);
  }

  @Test
  void unknownConfigKey() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), EndToEndTest.CSV);
    String text = EndToEndTest.config(input, 0.2).replace("kmeans:", "kmeans:\n  kay: 3");
    assertOneLine(
        runWith(input, text),
        2,
        "Unknown config key: kmeans.kay (known here: algorithm, enabled, features, k, k-max, k-min, max-iter, refit-every-days, seed, selection-sample)");
  }

  /** Credentials never belong in the config; one smuggled into a path's URI is never printed. */
  @Test
  void credentialsInAPathAreNotPrinted() throws IOException {
    String path = "s3a://AKIAEXAMPLEKEY:topsecretvalue@some-bucket/sales/2024.csv";
    Path cfg = Files.writeString(dir.resolve("job.yaml"), EndToEndTest.config(dir.resolve("in.csv"), 0.2));
    CliRun run =
        CliRun.of("run", "--config", cfg.toString(), "--input", path, "--warehouse", dir.resolve("wh").toString());
    // No S3 connector on this classpath: a one-line deployment error, with the path masked.
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err() + run.out()).doesNotContain("topsecretvalue").doesNotContain("AKIAEXAMPLEKEY");
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("segments: No file system for s3a:// paths").endsWith("to read s3a://***@some-bucket/sales/2024.csv\n");
  }

  @Test
  void missingInputPath() throws IOException {
    Path missing = dir.resolve("nowhere.csv");
    assertOneLine(runWith(missing, EndToEndTest.config(missing, 0.2)), 66, "Input not found: " + missing);
  }

  @Test
  void mappedColumnAbsentFromTheFile() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), EndToEndTest.CSV.replace("cust", "client"));
    assertOneLine(
        runWith(input, EndToEndTest.config(input, 0.2)),
        65,
        "Mapped column cust not found in the input; its columns are: invoice, sku, qty, when, price, client");
  }

  @Test
  void emptyFileAndHeaderOnlyFileAreNoInput() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    assertOneLine(runWith(empty, EndToEndTest.config(empty, 0.2)), 66, "Input has no rows: " + empty);
    Path header = Files.writeString(dir.resolve("header.csv"), "invoice,sku,qty,when,price,cust\n");
    assertOneLine(runWith(header, EndToEndTest.config(header, 0.2)), 66, "Input has no rows: " + header);
  }

  @Test
  void aFileOfGarbage() throws IOException {
    byte[] noise = new byte[4096];
    new Random(5).nextBytes(noise);
    Path garbage = Files.write(dir.resolve("garbage.csv"), noise);
    CliRun run = runWith(garbage, EndToEndTest.config(garbage, 0.2));
    assertThat(run.exitCode()).isEqualTo(65);
    assertThat(run.err()).startsWith("segments: Mapped columns cust, invoice, when, qty, price, sku not found in the input");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void badFlagsAndDatesAreUsageErrors() throws IOException {
    assertOneLine(
        CliRun.of("run", "--config", "x.yaml", "--asof", "2024-01-01"),
        2,
        "Unknown flag --asof for 'run' (known: --as-of, --config, --force, --input, --refit, --warehouse)");
    Path input = Files.writeString(dir.resolve("in.csv"), EndToEndTest.CSV);
    Path cfg = Files.writeString(dir.resolve("job.yaml"), EndToEndTest.config(input, 0.2));
    assertOneLine(
        CliRun.of("run", "--config", cfg.toString(), "--as-of", "31/03/2024"),
        2,
        "Invalid --as-of: 31/03/2024 (expected YYYY-MM-DD)");
    assertOneLine(CliRun.of("run", "--config", dir.resolve("none.yaml").toString()), 2,
        "Config file not found: " + dir.resolve("none.yaml"));
  }
}
