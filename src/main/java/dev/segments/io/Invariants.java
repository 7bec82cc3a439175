package dev.segments.io;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.RUN_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.segments.Columns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What must always hold in the tables, enforced by Delta itself: a CHECK constraint is part of the
 * table, so a buggy release (or anyone else writing the table) has its commit refused rather than
 * publishing a score of 7 or a negative count. Null passes a constraint only where it says so,
 * because Delta counts a null result as a violation.
 *
 * <p>One row per customer and date cannot be a CHECK (it spans rows): {@link #onePerCustomer} reads
 * the slice a run just wrote, before the run is published.
 */
public final class Invariants {
  private Invariants() {}

  /**
   * Per-customer tables checked for duplicates before publication: customer_segments is built by
   * joins on the features (clusters, CLV churn risk), where a duplicate would first appear;
   * customer_features is one aggregation by customer. Each check reads the slice on every run, so
   * only the table readers rely on most is checked.
   */
  public static final List<String> PER_CUSTOMER = List.of(Tables.CUSTOMER_SEGMENTS);

  /** The tables {@link #constraints} has a constraint for. */
  private static final Set<String> CONSTRAINED =
      Set.of(Tables.CUSTOMER_FEATURES, Tables.CUSTOMER_SEGMENTS, Tables.QUARANTINE, Tables.RUNS);

  private static final List<String> SCORES =
      List.of(Columns.R_SCORE, Columns.F_SCORE, Columns.M_SCORE, Columns.AOV_SCORE, Columns.COST_SCORE, Columns.TENURE_SCORE);

  /**
   * Constraint name to SQL condition, for the columns the table has. One constraint per table: each
   * ADD CONSTRAINT is a commit and a scan, and Delta's error names the failing values either way.
   */
  static Map<String, String> constraints(String table, Set<String> columns) {
    List<String> conditions = new ArrayList<>();
    String name;
    switch (table) {
      case Tables.CUSTOMER_FEATURES, Tables.CUSTOMER_SEGMENTS -> {
        name = "valid_customer_row";
        if (columns.contains(CUSTOMER_ID)) {
          conditions.add(CUSTOMER_ID + " IS NOT NULL");
        }
        for (String score : SCORES) {
          if (columns.contains(score)) {
            conditions.add("(" + score + " IS NULL OR " + score + " BETWEEN 1 AND 5)");
          }
        }
        nonNegative(conditions, columns, Columns.FREQUENCY, false);
        nonNegative(conditions, columns, Columns.RECENCY_DAYS, true);
        nonNegative(conditions, columns, Columns.TENURE_DAYS, true);
        // Not capped at 1: a refund can exceed what was bought in the window (domain: returned / purchased value).
        nonNegative(conditions, columns, Columns.RETURN_RATE, true);
      }
      case Tables.QUARANTINE -> {
        name = "has_reason";
        conditions.add(Columns.REASON + " IS NOT NULL");
      }
      case Tables.RUNS -> {
        name = "rows_accounted_for";
        conditions.add("(status <> 'succeeded' OR input_rows = clean_rows + duplicate_rows + quarantined_rows)");
        for (String c : List.of("input_rows", "clean_rows", "duplicate_rows", "quarantined_rows", "lines_after_as_of")) {
          conditions.add(c + " >= 0");
        }
      }
      default -> name = null;
    }
    Map<String, String> checks = new LinkedHashMap<>();
    if (name != null && !conditions.isEmpty()) {
      checks.put(name, String.join(" AND ", conditions));
    }
    return checks;
  }

  private static void nonNegative(List<String> conditions, Set<String> columns, String column, boolean nullable) {
    if (columns.contains(column)) {
      conditions.add(nullable ? "(" + column + " IS NULL OR " + column + " >= 0)" : column + " >= 0");
    }
  }

  /**
   * Adds the table's constraints that it does not have yet: for warehouses written before they
   * existed ({@code maintain}), and for a table a killed run left unconstrained.
   */
  public static void ensure(SparkSession spark, String table, String path) {
    Set<String> columns = Set.of(spark.read().format("delta").load(path).columns());
    Set<String> present = new java.util.HashSet<>();
    if (!constraints(table, columns).isEmpty()) {
      for (Row property : spark.sql("SHOW TBLPROPERTIES " + ref(path)).collectAsList()) {
        String key = property.getString(0);
        if (key.startsWith("delta.constraints.")) {
          present.add(key.substring("delta.constraints.".length()));
        }
      }
    }
    add(spark, table, path, columns, present);
  }

  /** Whether the table has constraints (so creating it empty first is worth a commit). */
  public static boolean constrains(String table) {
    return CONSTRAINED.contains(table);
  }

  /**
   * Creates the table empty with its constraints in one commit (CREATE TABLE ... TBLPROPERTIES), so
   * no row is ever in it unchecked and nothing is scanned. Every column nullable: nullability is the
   * constraints' business, not an accident of the first run's plan.
   */
  public static void createTable(SparkSession spark, String table, String path, StructType schema, List<String> partitionBy) {
    List<String> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      columns.add("`" + field.name().replace("`", "``") + "` " + field.dataType().sql());
    }
    List<String> properties = new ArrayList<>();
    for (Map.Entry<String, String> check : constraints(table, Set.of(schema.fieldNames())).entrySet()) {
      properties.add("'delta.constraints." + check.getKey() + "' = '" + check.getValue().replace("'", "\\'") + "'");
    }
    for (Map.Entry<String, String> option : Tables.creationOptions(table).entrySet()) {
      properties.add("'" + option.getKey() + "' = '" + option.getValue() + "'");
    }
    spark.sql(
        "CREATE TABLE IF NOT EXISTS " + ref(path) + " (" + String.join(", ", columns) + ") USING delta"
            + (partitionBy.isEmpty() ? "" : " PARTITIONED BY (" + String.join(", ", partitionBy) + ")")
            + (properties.isEmpty() ? "" : " TBLPROPERTIES (" + String.join(", ", properties) + ")"));
  }

  private static void add(SparkSession spark, String table, String path, Set<String> columns, Set<String> present) {
    for (Map.Entry<String, String> check : constraints(table, columns).entrySet()) {
      if (!present.contains(check.getKey().toLowerCase(java.util.Locale.ROOT))) {
        spark.sql("ALTER TABLE " + ref(path) + " ADD CONSTRAINT " + check.getKey() + " CHECK (" + check.getValue() + ")");
      }
    }
  }

  private static String ref(String path) {
    return "delta.`" + path.replace("`", "``") + "`";
  }

  /**
   * Fails when the run's slice of a per-customer table has a customer twice. Reads one column of one
   * partition, so it costs a fraction of the write it guards.
   */
  public static void onePerCustomer(Warehouse warehouse, String table, java.sql.Date asOf, String runId) {
    Dataset<Row> twice =
        warehouse
            .read(table)
            .where(col(AS_OF).equalTo(lit(asOf)).and(col(RUN_ID).equalTo(lit(runId))))
            .groupBy(col(CUSTOMER_ID))
            .agg(count(lit(1)).as("n"))
            .where(col("n").gt(1))
            .limit(1);
    List<Row> found = twice.collectAsList();
    if (!found.isEmpty()) {
      throw new InvariantViolation(
          "Table " + table + " would hold customer " + found.get(0).get(0) + " " + found.get(0).getLong(1)
              + " times for " + asOf + " (one row per customer and date is an invariant)");
    }
  }

  /** A release's bug caught before publication: the run fails, the published tables stay as they were. */
  public static final class InvariantViolation extends IllegalStateException {
    public InvariantViolation(String message) {
      super(message);
    }
  }
}
