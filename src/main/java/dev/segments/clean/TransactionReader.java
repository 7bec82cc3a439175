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
import java.util.Map;
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

  /**
   * One delivered unit of input: a file, or a whole Parquet/Delta source. Size and modification
   * time (-1 for a whole source) let a later listing trust the fingerprint without reading the
   * bytes again.
   */
  public record Batch(String path, String fingerprint, long size, long modified) {
    /** What identifies an unchanged file between two listings. */
    public String stamp() {
      return path + "|" + size + "|" + modified;
    }
  }

  /** What an input location holds, fingerprinted, before anything is parsed. */
  public record Listing(InputFormat format, List<Batch> batches, String fingerprint) {}

  /**
   * Lists and fingerprints the input. CSV and JSON files are one batch each, identified by their
   * bytes alone, so a file re-delivered under another name is still recognised; a Parquet or Delta
   * source is one batch.
   */
  public static Listing list(SparkSession spark, Input input) {
    return list(spark, input, Map.of());
  }

  /**
   * Lists the input, taking the fingerprint of a file whose path, size and modification time are
   * in {@code known} (stamp to fingerprint, from earlier listings) instead of hashing it again, so
   * that a nightly run reads the bytes of new files only.
   */
  public static Listing list(SparkSession spark, Input input, Map<String, String> known) {
    if (input.path() == null || input.path().isBlank()) {
      throw SegmentsException.usage("Invalid input.path: missing (set it in the config or pass --input)");
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = listFiles(hadoop, input.path());
    InputFormat format = input.format() != null ? input.format() : inferFormat(input.path(), files);
    List<Batch> batches = new ArrayList<>();
    if (format == InputFormat.CSV || format == InputFormat.JSON) {
      for (FileStatus file : files) {
        String path = file.getPath().toString();
        String stamp = path + "|" + file.getLen() + "|" + file.getModificationTime();
        String fingerprint = known.get(stamp);
        batches.add(
            new Batch(
                path,
                fingerprint != null ? fingerprint : fingerprint(hadoop, format, List.of(file)),
                file.getLen(),
                file.getModificationTime()));
      }
    } else {
      batches.add(new Batch(input.path(), fingerprint(hadoop, format, files), -1, -1));
    }
    String whole =
        batches.size() == 1
            ? batches.get(0).fingerprint()
            : format.label() + "-" + sha256(batches.stream().map(Batch::fingerprint).toList());
    return new Listing(format, batches, whole);
  }

  /** Reads the whole input as one batch: the full-history mode. */
  public static RawInput read(SparkSession spark, Input input, ColumnMapping mapping) {
    Listing listing = list(spark, input);
    Dataset<Row> rows = readPath(spark, input, listing.format(), input.path());
    return toRaw(
        rows.withColumn(RawInput.BATCH, lit(listing.fingerprint())), mapping, input.path(), listing.fingerprint(),
        List.of(listing.fingerprint()));
  }

  /**
   * Reads the given batches of a listing, each row tagged with its batch's fingerprint: the
   * incremental mode, where batches already in the warehouse are not read again. Null when none of
   * them has a single column (empty files): a delivery without rows.
   */
  public static RawInput read(SparkSession spark, Input input, ColumnMapping mapping, Listing listing, List<Batch> batches) {
    Dataset<Row> rows = null;
    List<String> ids = new ArrayList<>();
    for (Batch batch : batches) {
      Dataset<Row> one =
          readPath(spark, input, listing.format(), batch.path()).withColumn(RawInput.BATCH, lit(batch.fingerprint()));
      if (one.columns().length == 1) {
        continue;
      }
      ids.add(batch.fingerprint());
      // Files may differ in unmapped columns (a source that added one): each must have the mapped
      // ones; the rest are filled with null where a file lacks them, and named by the run's warning.
      checkMapped(mapping, sourceColumns(one), batch.path());
      if (rows == null) {
        rows = one;
      } else {
        rows = rows.unionByName(one, true);
      }
    }
    if (rows == null) {
      return null;
    }
    return toRaw(rows, mapping, input.path(), listing.fingerprint(), ids);
  }

  private static Dataset<Row> readPath(SparkSession spark, Input input, InputFormat format, String path) {
    return switch (format) {
      case CSV -> readCsv(spark, input, path);
      case JSON -> readJson(spark, path);
      case PARQUET -> stringify(spark.read().parquet(path));
      case DELTA -> stringify(spark.read().format("delta").load(path));
    };
  }

  private static RawInput toRaw(
      Dataset<Row> rows, ColumnMapping mapping, String location, String fingerprint, List<String> batchIds) {
    List<String> columns = sourceColumns(rows);
    if (columns.isEmpty()) {
      throw SegmentsException.noInput("Input has no rows: " + location);
    }
    checkMapped(mapping, columns);
    return new RawInput(rows, columns, fingerprint, batchIds);
  }

  private static Dataset<Row> readCsv(SparkSession spark, Input input, String path) {
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
    StructType header = reader.csv(path).schema();
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
        .csv(path);
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

  /** The input's own columns: what the file has, without the reader's corrupt-record and batch columns. */
  private static List<String> sourceColumns(Dataset<Row> rows) {
    return Arrays.stream(rows.columns())
        .filter(c -> !c.equals(RawInput.CORRUPT_RECORD) && !c.equals(RawInput.BATCH))
        .toList();
  }

  private static void checkMapped(ColumnMapping mapping, List<String> columns) {
    checkMapped(mapping, columns, null);
  }

  private static void checkMapped(ColumnMapping mapping, List<String> columns, String file) {
    List<String> missing = mapping.mappedColumns().stream().filter(c -> !columns.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw SegmentsException.data(
          "Mapped column"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " not found in the "
              + (file == null ? "input" : "input file " + file)
              + "; its columns are: "
              + String.join(", ", columns));
    }
  }

  private static List<FileStatus> listFiles(Configuration hadoop, String location) {
    try {
      Path path = new Path(location);
      FileSystem fs;
      try {
        fs = path.getFileSystem(hadoop);
      } catch (RuntimeException e) {
        // Hadoop names the missing class of a scheme it has no implementation for (s3a without
        // hadoop-aws, say) in an unchecked exception: a deployment problem, said in one line.
        throw SegmentsException.usage(
            "No file system for " + path.toUri().getScheme() + ":// paths on the classpath (" + e.getMessage()
                + "); add its Hadoop connector (spark-submit --packages) to read " + location);
      }
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
   * A fingerprint of the content, so that a re-delivered batch (the same bytes, under any name) is
   * recognised. A Delta source is identified by its log instead of its data files.
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
        try (InputStream in = fs.open(file.getPath())) {
          for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
          }
        }
      }
      return format.label() + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      // The file's bytes no longer match the checksum written beside them: damaged, not missing.
      throw SegmentsException.data("Input file could not be read (corrupt or truncated?): " + e.getMessage());
    } catch (IOException e) {
      throw SegmentsException.noInput("Cannot read input: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static String sha256(List<String> parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
