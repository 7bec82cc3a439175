package dev.segments.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segments.SegmentsException;
import dev.segments.config.SegmentsConfig.ColumnMapping;
import dev.segments.config.SegmentsConfig.Input;
import dev.segments.config.SegmentsConfig.InputFormat;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads transaction files (CSV, also gzipped; Parquet; JSON lines; Delta) into {@link RawInput}: all
 * fields as strings, so that typing happens in cleaning where a bad value quarantines its row
 * instead of failing the read.
 */
public final class TransactionReader {
  private TransactionReader() {}

  public static RawInput read(SparkSession spark, Input input, ColumnMapping mapping) {
    if (input.path() == null || input.path().isBlank()) {
      throw SegmentsException.usage("Invalid input.path: missing (set it in the config or pass --input)");
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = listFiles(hadoop, input.path());
    InputFormat format = input.format() != null ? input.format() : inferFormat(input.path(), files);
    Dataset<Row> rows =
        switch (format) {
          case CSV -> readCsv(spark, input);
          case JSON -> readJson(spark, input.path());
          case PARQUET -> stringify(spark.read().parquet(input.path()));
          case DELTA -> stringify(spark.read().format("delta").load(input.path()));
        };
    List<String> columns =
        Arrays.stream(rows.columns()).filter(c -> !c.equals(RawInput.CORRUPT_RECORD)).toList();
    if (columns.isEmpty()) {
      throw SegmentsException.noInput("Input has no rows: " + input.path());
    }
    checkMapped(mapping, columns);
    return new RawInput(rows, columns, fingerprint(hadoop, format, files));
  }

  private static Dataset<Row> readCsv(SparkSession spark, Input input) {
    DataFrameReader reader =
        spark
            .read()
            .option("header", "true")
            .option("sep", input.csv().delimiter())
            .option("encoding", input.csv().encoding())
            .option("quote", input.csv().quote())
            .option("escape", input.csv().escape())
            .option("multiLine", "false");
    // Reading the header alone (no inference) costs one line; the names become an all-string schema.
    StructType header = reader.csv(input.path()).schema();
    if (header.isEmpty()) {
      return spark.emptyDataFrame();
    }
    StructType schema = new StructType();
    for (StructField field : header.fields()) {
      schema = schema.add(field.name(), DataTypes.StringType, true);
    }
    schema = schema.add(RawInput.CORRUPT_RECORD, DataTypes.StringType, true);
    return reader
        .schema(schema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", RawInput.CORRUPT_RECORD)
        .option("enforceSchema", "true")
        .csv(input.path());
  }

  private static Dataset<Row> readJson(SparkSession spark, String path) {
    Dataset<Row> rows =
        spark
            .read()
            .option("primitivesAsString", "true")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", RawInput.CORRUPT_RECORD)
            .json(path);
    if (rows.schema().isEmpty()) {
      return rows;
    }
    return stringify(rows);
  }

  /** Typed sources (Parquet, Delta) are turned into strings so one cleaning path serves every format. */
  private static Dataset<Row> stringify(Dataset<Row> typed) {
    List<Column> columns = new ArrayList<>();
    boolean hasCorrupt = false;
    for (StructField field : typed.schema().fields()) {
      hasCorrupt |= field.name().equals(RawInput.CORRUPT_RECORD);
      columns.add(col("`" + field.name() + "`").cast(DataTypes.StringType).as(field.name()));
    }
    if (!hasCorrupt) {
      columns.add(lit(null).cast(DataTypes.StringType).as(RawInput.CORRUPT_RECORD));
    }
    return typed.select(columns.toArray(Column[]::new));
  }

  private static void checkMapped(ColumnMapping mapping, List<String> columns) {
    List<String> missing = mapping.mappedColumns().stream().filter(c -> !columns.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw SegmentsException.data(
          "Mapped column"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " not found in the input; its columns are: "
              + String.join(", ", columns));
    }
  }

  private static List<FileStatus> listFiles(Configuration hadoop, String location) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw SegmentsException.noInput("Input not found: " + location);
      }
      List<FileStatus> files = new ArrayList<>();
      for (FileStatus match : matches) {
        collect(fs, match, files);
      }
      files.sort(Comparator.comparing(f -> f.getPath().toString()));
      return files;
    } catch (IOException e) {
      throw SegmentsException.noInput("Cannot list input " + location + ": " + e.getMessage());
    }
  }

  private static void collect(FileSystem fs, FileStatus status, List<FileStatus> out)
      throws IOException {
    String name = status.getPath().getName();
    if (status.isDirectory()) {
      if (name.equals("_delta_log")) {
        out.add(status);
        return;
      }
      for (FileStatus child : fs.listStatus(status.getPath())) {
        String childName = child.getPath().getName();
        if (childName.equals("_delta_log") || !(childName.startsWith("_") || childName.startsWith("."))) {
          collect(fs, child, out);
        }
      }
    } else {
      out.add(status);
    }
  }

  private static InputFormat inferFormat(String location, List<FileStatus> files) {
    if (files.stream().anyMatch(f -> f.getPath().getName().equals("_delta_log"))) {
      return InputFormat.DELTA;
    }
    String name = location.toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet")) {
      return InputFormat.PARQUET;
    }
    if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".json.gz")
        || name.endsWith(".jsonl.gz")) {
      return InputFormat.JSON;
    }
    if (files.stream().allMatch(f -> f.getPath().getName().endsWith(".parquet"))) {
      return InputFormat.PARQUET;
    }
    return InputFormat.CSV;
  }

  /**
   * A fingerprint of the input's content, so that a re-delivered batch (same bytes under the same
   * names) is recognised. A Delta source is identified by its log instead of its data files.
   */
  private static String fingerprint(Configuration hadoop, InputFormat format, List<FileStatus> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (FileStatus file : files) {
        FileSystem fs = file.getPath().getFileSystem(hadoop);
        if (file.isDirectory()) {
          for (FileStatus entry : fs.listStatus(file.getPath())) {
            digest.update(entry.getPath().getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(Long.toString(entry.getLen()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
          continue;
        }
        digest.update(file.getPath().getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (InputStream in = fs.open(file.getPath())) {
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
          }
        }
      }
      return format.label() + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (IOException e) {
      throw SegmentsException.noInput("Cannot read input: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
