package dev.segments.compare;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CLUSTER_ID;
import static dev.segments.Columns.FAMILY;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.F_SCORE;
import static dev.segments.Columns.LABEL;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.M_SCORE;
import static dev.segments.Columns.RECENCY_DAYS;
import static dev.segments.Columns.R_SCORE;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import dev.segments.clean.Money;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rule families against clusters, from one aggregation of the customer-grain segments into (family,
 * label, cluster) cells: segment_summary (per family and label), segment_comparison (per family,
 * label and cluster, with the family's adjusted Rand index and NMI against the clusters).
 */
public final class Comparison {
  public static final StructType SUMMARY_SCHEMA =
      new StructType()
          .add(AS_OF, DataTypes.DateType, false)
          .add(FAMILY, DataTypes.StringType, false)
          .add(LABEL, DataTypes.StringType, false)
          .add("customers", DataTypes.LongType, false)
          .add("share", DataTypes.DoubleType, false)
          .add("revenue", DataTypes.createDecimalType(38, 6), false)
          .add("revenue_share", DataTypes.DoubleType, true)
          .add("mean_recency_days", DataTypes.DoubleType, false)
          .add("mean_frequency", DataTypes.DoubleType, false)
          .add("mean_monetary", DataTypes.DoubleType, false)
          .add("mean_r_score", DataTypes.DoubleType, false)
          .add("mean_f_score", DataTypes.DoubleType, false)
          .add("mean_m_score", DataTypes.DoubleType, false);

  public static final StructType COMPARISON_SCHEMA =
      new StructType()
          .add(AS_OF, DataTypes.DateType, false)
          .add(FAMILY, DataTypes.StringType, false)
          .add(LABEL, DataTypes.StringType, false)
          .add(CLUSTER_ID, DataTypes.IntegerType, false)
          .add("customers", DataTypes.LongType, false)
          .add("revenue", DataTypes.createDecimalType(38, 6), false)
          .add("share_of_label", DataTypes.DoubleType, false)
          .add("share_of_cluster", DataTypes.DoubleType, false)
          .add("family_ari", DataTypes.DoubleType, false)
          .add("family_nmi", DataTypes.DoubleType, false);

  private Comparison() {}

  /** One family's agreement with the clusters. */
  public record FamilyAgreement(String family, double ari, double nmi) {}

  /** Everything the comparison stage produces for one as-of date. */
  public record Result(
      Dataset<Row> summary,
      Dataset<Row> comparison,
      List<FamilyAgreement> agreement,
      Map<String, Map<String, Long>> sizes,
      Map<String, Map<String, Double>> revenueShares) {}

  private record Cell(
      long customers, BigDecimal revenue, double recency, double frequency, double monetary, double r, double f, double m) {
    Cell plus(Cell o) {
      return new Cell(
          customers + o.customers, revenue.add(o.revenue), recency + o.recency, frequency + o.frequency,
          monetary + o.monetary, r + o.r, f + o.f, m + o.m);
    }
  }

  /**
   * @param segments customer grain: the family label columns, cluster_id, recency_days, frequency,
   *     monetary and the R, F, M scores
   */
  public static Result compute(
      SparkSession spark, Dataset<Row> segments, List<String> families, LocalDate asOf) {
    List<Column> pairs = new ArrayList<>();
    for (String family : families) {
      pairs.add(struct(lit(family).as(FAMILY), col(family).as(LABEL)));
    }
    // Revenue is summed as millionths in two longs (Money.splitSums): exact, where a decimal sum
    // would build a BigDecimal for each of the families' copies of every customer.
    Column[] revenueSums = Money.splitSums(col("_micros"));
    List<Row> cells =
        segments
            .select(
                explode(array(pairs.toArray(Column[]::new))).as("_p"),
                col(CLUSTER_ID),
                Money.micros(col(MONETARY)).as("_micros"),
                col(MONETARY),
                col(RECENCY_DAYS),
                col(FREQUENCY),
                col(R_SCORE),
                col(F_SCORE),
                col(M_SCORE))
            .groupBy(col("_p." + FAMILY), col("_p." + LABEL), col(CLUSTER_ID))
            .agg(
                count(lit(1)),
                revenueSums[0],
                revenueSums[1],
                sum(col(RECENCY_DAYS).cast(DataTypes.DoubleType)),
                sum(col(FREQUENCY).cast(DataTypes.DoubleType)),
                sum(col(MONETARY).cast(DataTypes.DoubleType)),
                sum(col(R_SCORE).cast(DataTypes.DoubleType)),
                sum(col(F_SCORE).cast(DataTypes.DoubleType)),
                sum(col(M_SCORE).cast(DataTypes.DoubleType)))
            .collectAsList();

    Date date = Date.valueOf(asOf);
    Map<String, Map<String, Cell>> byLabel = new LinkedHashMap<>();
    Map<String, Map<Integer, Long>> byCluster = new LinkedHashMap<>();
    Map<String, Agreement.Table> tables = new LinkedHashMap<>();
    boolean clustered = false;
    for (String family : families) {
      byLabel.put(family, new TreeMap<>());
      byCluster.put(family, new TreeMap<>());
      tables.put(family, new Agreement.Table());
    }
    List<Row[]> clusterCells = new ArrayList<>();
    for (Row r : cells) {
      String family = r.getString(0);
      String label = r.getString(1);
      Cell cell =
          new Cell(r.getLong(3), Money.fromSplitSums(r, 4), r.getDouble(6), r.getDouble(7), r.getDouble(8),
              r.getDouble(9), r.getDouble(10), r.getDouble(11));
      byLabel.get(family).merge(label, cell, Cell::plus);
      if (!r.isNullAt(2)) {
        clustered = true;
        byCluster.get(family).merge(r.getInt(2), cell.customers(), Long::sum);
        tables.get(family).add(label, String.valueOf(r.getInt(2)), cell.customers());
        clusterCells.add(new Row[] {r});
      }
    }

    List<Row> summary = new ArrayList<>();
    Map<String, Map<String, Double>> revenueShares = new LinkedHashMap<>();
    Map<String, Map<String, Long>> sizes = new LinkedHashMap<>();
    for (String family : families) {
      Map<String, Long> counts = new LinkedHashMap<>();
      byLabel.get(family).forEach((label, cell) -> counts.put(label, cell.customers()));
      sizes.put(family, counts);
      Map<String, Cell> labels = byLabel.get(family);
      long customers = labels.values().stream().mapToLong(Cell::customers).sum();
      BigDecimal revenue = labels.values().stream().map(Cell::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
      Map<String, Double> shares = new LinkedHashMap<>();
      for (var entry : labels.entrySet()) {
        Cell c = entry.getValue();
        Double revenueShare = share(c.revenue(), revenue);
        shares.put(entry.getKey(), revenueShare);
        summary.add(
            RowFactory.create(
                date, family, entry.getKey(), c.customers(), (double) c.customers() / customers, c.revenue(),
                revenueShare, c.recency() / c.customers(), c.frequency() / c.customers(),
                c.monetary() / c.customers(), c.r() / c.customers(), c.f() / c.customers(),
                c.m() / c.customers()));
      }
      revenueShares.put(family, shares);
    }

    List<FamilyAgreement> agreement = new ArrayList<>();
    List<Row> comparison = new ArrayList<>();
    if (clustered) {
      Map<String, FamilyAgreement> byFamily = new LinkedHashMap<>();
      for (String family : families) {
        FamilyAgreement a =
            new FamilyAgreement(
                family,
                Agreement.adjustedRandIndex(tables.get(family)),
                Agreement.normalizedMutualInformation(tables.get(family)));
        byFamily.put(family, a);
        agreement.add(a);
      }
      for (Row[] holder : clusterCells) {
        Row r = holder[0];
        String family = r.getString(0);
        String label = r.getString(1);
        FamilyAgreement a = byFamily.get(family);
        comparison.add(
            RowFactory.create(
                date, family, label, r.getInt(2), r.getLong(3), Money.fromSplitSums(r, 4),
                (double) r.getLong(3) / byLabel.get(family).get(label).customers(),
                (double) r.getLong(3) / byCluster.get(family).get(r.getInt(2)),
                a.ari(), a.nmi()));
      }
    }
    return new Result(
        spark.createDataFrame(summary, SUMMARY_SCHEMA),
        spark.createDataFrame(comparison, COMPARISON_SCHEMA),
        agreement,
        sizes,
        revenueShares);
  }

  private static Double share(BigDecimal part, BigDecimal whole) {
    return whole.signum() == 0 ? null : part.doubleValue() / whole.doubleValue();
  }
}
