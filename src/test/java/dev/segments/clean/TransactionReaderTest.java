package dev.segments.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import dev.segments.config.SegmentsConfig.Clean;
import dev.segments.config.SegmentsConfig.ColumnMapping;
import dev.segments.config.SegmentsConfig.Csv;
import dev.segments.config.SegmentsConfig.Input;
import dev.segments.config.SegmentsConfig.InputFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionReaderTest {
  private static final String CSV =
      String.join(
          "\n",
          "inv,desc,qty,ts,price,cust",
          "1,\"LANTERN, WHITE\",2,2024-01-01 10:00,1.50,c1",
          "1,\"LANTERN, WHITE\",2,2024-01-01 10:00,1.50,c1",
          "2,\"MUG \"\"BIG\"\"\",1,2024-01-02 10:00,3.00,c2",
          "3,TOO,MANY,FIELDS,2024-01-02 10:00,3.00,c2",
          "4,SHORT",
          "");
  private static final ColumnMapping MAPPING =
      new ColumnMapping("cust", "inv", "ts", "yyyy-MM-dd HH:mm", null, "qty", "price", null, null);

  @TempDir Path dir;

  private static Reconciliation counts(RawInput raw) {
    return Cleaner.reconcile(Cleaner.validate(raw, MAPPING, new Clean(null, 1.0, null, null, null)));
  }

  private static RawInput read(Path path, InputFormat format) {
    return TransactionReader.read(
        TestSpark.spark(), new Input(path.toString(), format, null, null), MAPPING);
  }

  @Test
  void csvWithQuotedFieldsAndRowsOfTheWrongLength() throws IOException {
    Path file = Files.writeString(dir.resolve("t.csv"), CSV);
    RawInput raw = read(file, null);
    assertThat(raw.columns()).containsExactly("inv", "desc", "qty", "ts", "price", "cust");
    assertThat(counts(raw)).isEqualTo(new Reconciliation(5, 2, 1, 2));
    List<Row> quarantined =
        Cleaner.quarantined(Cleaner.validate(raw, MAPPING, new Clean(null, 1.0, null, null, null))).collectAsList();
    assertThat(quarantined).extracting(r -> (String) r.getAs("reason")).containsOnly("malformed_row");
  }

  @Test
  void gzippedCsvReadsTheSameAndTheFingerprintFollowsTheContent() throws IOException {
    Path plain = Files.writeString(dir.resolve("t.csv"), CSV);
    Path gz = dir.resolve("t.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(CSV.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(counts(read(gz, null))).isEqualTo(counts(read(plain, null)));
    Path copy = Files.createDirectories(dir.resolve("again")).resolve("t.csv");
    Files.writeString(copy, CSV);
    assertThat(read(copy, null).batchId()).isEqualTo(read(plain, null).batchId());
    Files.writeString(copy, CSV.replace("3.00,c2", "3.01,c2"));
    assertThat(read(copy, null).batchId()).isNotEqualTo(read(plain, null).batchId());
  }

  @Test
  void parquetJsonAndDeltaGiveTheSameLinesAsCsv() throws IOException {
    Path csv = Files.writeString(dir.resolve("t.csv"), CSV);
    Dataset<Row> wellFormed =
        TestSpark.spark().read().option("header", "true").option("escape", "\"")
            .option("mode", "DROPMALFORMED").csv(csv.toString()).limit(3);
    wellFormed.write().parquet(dir.resolve("p").toString());
    wellFormed.write().json(dir.resolve("j").toString());
    wellFormed.write().format("delta").mode(SaveMode.Overwrite).save(dir.resolve("d").toString());
    Reconciliation expected = new Reconciliation(3, 2, 1, 0);
    assertThat(counts(read(dir.resolve("p"), null))).isEqualTo(expected);
    assertThat(counts(read(dir.resolve("j"), InputFormat.JSON))).isEqualTo(expected);
    assertThat(counts(read(dir.resolve("d"), null))).isEqualTo(expected);
  }

  @Test
  void anotherDelimiter() throws IOException {
    Path file = Files.writeString(dir.resolve("t.txt"), "inv;qty;ts;price;cust\n1;2;2024-01-01 10:00;1,5;c1\n");
    RawInput raw =
        TransactionReader.read(
            TestSpark.spark(),
            new Input(file.toString(), InputFormat.CSV, null, new Csv(";", null, null, null, null)),
            new ColumnMapping("cust", "inv", "ts", "yyyy-MM-dd HH:mm", null, "qty", "price", null, null));
    assertThat(raw.columns()).containsExactly("inv", "qty", "ts", "price", "cust");
  }
}
