package dev.segments;

import dev.segments.io.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The one local SparkSession of the test JVM, and small helpers for literal test data. */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession spark() {
    if (session == null) {
      try {
        session = SparkSessions.forTests(Files.createTempDirectory("segments-test-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return session;
  }

  /** A Dataset from literal rows with an explicit schema. */
  public static Dataset<Row> rows(StructType schema, Object[]... values) {
    List<Row> rows = Arrays.stream(values).map(RowFactory::create).toList();
    return spark().createDataFrame(rows, schema);
  }

  /** The shared data folder beside the project (../shared), as CI lays it out. */
  public static Path sharedData() {
    return Path.of(System.getProperty("segments.shared.dir", "../shared")).resolve("data");
  }
}
