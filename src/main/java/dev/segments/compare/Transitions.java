package dev.segments.compare;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.FAMILY;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How many customers moved from each label to each label between two as-of dates, per family.
 * Customers first seen at the later date come from {@link #NEW}; customers no longer present (erased)
 * go to {@link #GONE}.
 */
public final class Transitions {
  public static final String PREVIOUS_AS_OF = "previous_as_of";
  public static final String FROM_LABEL = "from_label";
  public static final String TO_LABEL = "to_label";
  public static final String NEW = "(new)";
  public static final String GONE = "(gone)";

  private Transitions() {}

  /**
   * @param previous customer_segments rows of the earlier date
   * @param current customer_segments rows of the later date
   * @param families the label columns to follow
   */
  public static Dataset<Row> compute(
      Dataset<Row> previous, Dataset<Row> current, List<String> families, LocalDate previousAsOf, LocalDate asOf) {
    Dataset<Row> before = previous.alias("p");
    Dataset<Row> after = current.alias("c");
    List<Column> moves = new ArrayList<>();
    for (String family : families) {
      moves.add(
          struct(
              lit(family).as(FAMILY),
              coalesce(col("p." + family), missing(col("p." + CUSTOMER_ID), NEW)).as(FROM_LABEL),
              coalesce(col("c." + family), missing(col("c." + CUSTOMER_ID), GONE)).as(TO_LABEL)));
    }
    return before
        .join(after, col("p." + CUSTOMER_ID).equalTo(col("c." + CUSTOMER_ID)), "full_outer")
        .select(explode(array(moves.toArray(Column[]::new))).as("m"))
        .groupBy(col("m." + FAMILY).as(FAMILY), col("m." + FROM_LABEL).as(FROM_LABEL), col("m." + TO_LABEL).as(TO_LABEL))
        .agg(count(lit(1)).as(CUSTOMERS))
        .select(
            lit(java.sql.Date.valueOf(asOf)).as(AS_OF),
            lit(java.sql.Date.valueOf(previousAsOf)).as(PREVIOUS_AS_OF),
            col(FAMILY),
            col(FROM_LABEL),
            col(TO_LABEL),
            col(CUSTOMERS));
  }

  /** A customer absent on one side gets the marker; one present without a label (no cluster) keeps null. */
  private static Column missing(Column customerOnThatSide, String marker) {
    return org.apache.spark.sql.functions.when(customerOnThatSide.isNull(), lit(marker));
  }
}
