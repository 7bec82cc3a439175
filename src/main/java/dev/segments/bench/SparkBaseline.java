package dev.segments.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_diff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.segments.io.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The "straightforward Spark job doing less than ours" that the issue "Benchmark and speed" sets its
 * 10M target against: the benchmark's CSV read with a typed schema, exact duplicates dropped, the
 * rows DuckDB's peer quarantines filtered out, recency, frequency and net monetary value per
 * customer, quintile scores from Spark's approximate quantiles, written as Parquet. No quarantine
 * with reasons, no row accounting, no Delta, no other feature, segment, model or table. It shows what
 * Spark itself costs on this machine for the peer's work, in the job's session settings and JVM flags.
 */
public final class SparkBaseline {
  static final String RECENCY = "recency_days";
  static final String FREQUENCY = "frequency";
  static final String MONETARY = "monetary";
  static final String[] SCORES = {"r_score", "f_score", "m_score"};
  private static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};
  private static final double RELATIVE_ERROR = 0.001;

  private SparkBaseline() {}

  /** Arguments: the benchmark's CSV, the as-of date, the output folder. Prints {@code key=value} lines. */
  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    Path out = Path.of(args[2]);
    SparkSession spark = SparkSessions.forJob("segments-spark-baseline", Files.createDirectories(out.resolve("scratch")));
    long ready = System.nanoTime();
    Dataset<Row> scored = scores(spark, args[0], LocalDate.parse(args[1]));
    scored.write().mode(SaveMode.Overwrite).parquet(out.resolve("rfm.parquet").toString());
    long done = System.nanoTime();
    Row counts =
        spark.read().parquet(out.resolve("rfm.parquet").toString())
            .selectExpr("count_if(frequency > 0)", "count_if(frequency = 0)")
            .first();
    System.out.printf(Locale.ROOT, "session_s=%.3f%n", (ready - start) / 1e9);
    System.out.printf(Locale.ROOT, "rfm_s=%.3f%n", (done - ready) / 1e9);
    System.out.println("customers_scored=" + counts.getLong(0));
    System.out.println("customers_returns_only=" + counts.getLong(1));
    spark.stop();
  }

  /** One row per customer: recency, frequency, monetary, and the three scores (null without a purchase). */
  static Dataset<Row> scores(SparkSession spark, String csv, LocalDate asOf) {
    StructType schema =
        new StructType()
            .add("invoice_no", "string")
            .add("stock_code", "string")
            .add("description", "string")
            .add("quantity", "decimal(18,4)")
            .add("invoice_date", "timestamp")
            .add("unit_price", "decimal(18,6)")
            .add("customer_id", "string")
            .add("country", "string");
    Dataset<Row> lines =
        spark.read()
            .option("header", "true")
            .option("escape", "\"")
            .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
            .schema(schema)
            .csv(csv)
            .dropDuplicates()
            .withColumn("customer", nullif(regexp_replace(trim(col("customer_id")), "^([+-]?[0-9]+)\\.0+$", "$1"), lit("")))
            .where(
                "customer IS NOT NULL AND invoice_date IS NOT NULL AND quantity IS NOT NULL AND unit_price IS NOT NULL"
                    + " AND quantity <> 0 AND unit_price >= 0")
            .withColumn("day", to_date(col("invoice_date")))
            .where(col("day").leq(lit(java.sql.Date.valueOf(asOf))));
    Column purchase = col("quantity").gt(0);
    Dataset<Row> rfm =
        lines
            .groupBy(col("customer").as("customer_id"))
            .agg(
                date_diff(lit(java.sql.Date.valueOf(asOf)), max(when(purchase, col("day")))).as(RECENCY),
                count_distinct(when(purchase, col("invoice_no"))).as(FREQUENCY),
                sum(col("quantity").multiply(col("unit_price"))).cast("double").as(MONETARY))
            .cache();
    double[][] cuts =
        rfm.where(col(FREQUENCY).gt(0))
            .stat()
            .approxQuantile(new String[] {RECENCY, FREQUENCY, MONETARY}, QUINTILES, RELATIVE_ERROR);
    Column[] scores = new Column[3];
    for (int i = 0; i < 3; i++) {
      Column score = lit(1);
      for (double cut : cuts[i]) {
        // Recent is better: a recency scores higher for each breakpoint above it.
        Column better = i == 0 ? col(RECENCY).lt(cut) : col(i == 1 ? FREQUENCY : MONETARY).gt(cut);
        score = score.plus(when(better, 1).otherwise(0));
      }
      scores[i] = when(col(FREQUENCY).gt(0), score).as(SCORES[i]);
    }
    return rfm.select(col("customer_id"), col(RECENCY), col(FREQUENCY), col(MONETARY), scores[0], scores[1], scores[2]);
  }
}
