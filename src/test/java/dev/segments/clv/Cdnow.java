package dev.segments.clv;

import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.LINE_AMOUNT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import dev.segments.TestSpark;
import dev.segments.clean.Cleaner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The CDNOW data of ../shared/data/cdnow as clean lines, and the published per-customer summary.
 */
final class Cdnow {
  private Cdnow() {}

  /** The end of the 39-week calibration period of Fader, Hardie and Lee (2005). */
  static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

  /** Published BG/NBD estimates on the 2357-customer sample (FHL 2005, section 4). */
  static final BgNbd.Params PUBLISHED_BGNBD = new BgNbd.Params(0.243, 4.414, 0.793, 2.426);

  static final double PUBLISHED_BGNBD_LOG_LIKELIHOOD = -9582.4;

  /**
   * Published Gamma-Gamma estimates on the sample's 946 repeat buyers (FHL 2005, "RFM and CLV").
   */
  static final GammaGamma.Params PUBLISHED_GAMMA_GAMMA = new GammaGamma.Params(6.25, 3.74, 15.44);

  private static Path dir() {
    return TestSpark.sharedData().resolve("cdnow");
  }

  /**
   * The 1/10 sample as clean lines up to the end of calibration. With {@code bySampleId} the
   * customer id is the sample's own 1..2357 numbering, the ID of the published summary.
   */
  static Dataset<Row> sampleLines(boolean bySampleId) {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("sample_id", DataTypes.StringType)
            .add("date", DataTypes.StringType)
            .add("number_of_cds", DataTypes.IntegerType)
            .add("dollar_value", DataTypes.createDecimalType(10, 2));
    Dataset<Row> raw =
        TestSpark.spark()
            .read()
            .option("header", "true")
            .schema(schema)
            .csv(dir().resolve("cdnow_sample.csv").toString());
    return lines(
        raw,
        bySampleId
            ? col("sample_id").cast(DataTypes.IntegerType).cast(DataTypes.StringType)
            : col("customer_id"));
  }

  /** The full CDNOW master file (23,570 customers) as clean lines up to the end of calibration. */
  static Dataset<Row> masterLines() {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("date", DataTypes.StringType)
            .add("number_of_cds", DataTypes.IntegerType)
            .add("dollar_value", DataTypes.createDecimalType(10, 2));
    Dataset<Row> raw =
        TestSpark.spark()
            .read()
            .option("header", "true")
            .schema(schema)
            .csv(dir().resolve("cdnow_master.csv").toString());
    return lines(raw, col("customer_id"));
  }

  private static Dataset<Row> lines(Dataset<Row> raw, org.apache.spark.sql.Column customer) {
    return raw.select(
            customer.as(CUSTOMER_ID),
            to_date(col("date"), "yyyyMMdd").as(EVENT_DATE),
            col("dollar_value").cast(Cleaner.MONEY_TYPE).as(LINE_AMOUNT))
        .where(col(EVENT_DATE).leq(java.sql.Date.valueOf(CALIBRATION_END)));
  }

  /** One customer of the published summary: x, t_x, T and zbar, rounded to 2 decimals there. */
  record Summary(int id, int x, double tx, double t, double zbar) {}

  /** cdnow_customers_summary_with_transactions.csv, read as plain text, keyed by ID. */
  static Map<Integer, Summary> publishedSummary() {
    try {
      List<String> lines =
          Files.readAllLines(dir().resolve("cdnow_customers_summary_with_transactions.csv"));
      Map<Integer, Summary> out = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        Summary s =
            new Summary(
                Integer.parseInt(f[0]),
                Integer.parseInt(f[1]),
                Double.parseDouble(f[2]),
                Double.parseDouble(f[3]),
                Double.parseDouble(f[4]));
        out.put(s.id(), s);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
