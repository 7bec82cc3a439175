package dev.segments.clv;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.BGNBD_A;
import static dev.segments.Columns.BGNBD_ALPHA;
import static dev.segments.Columns.BGNBD_B;
import static dev.segments.Columns.BGNBD_LOG_LIKELIHOOD;
import static dev.segments.Columns.BGNBD_R;
import static dev.segments.Columns.CUSTOMERS;
import static dev.segments.Columns.FITTED_AS_OF;
import static dev.segments.Columns.GG_GAMMA;
import static dev.segments.Columns.GG_LOG_LIKELIHOOD;
import static dev.segments.Columns.GG_P;
import static dev.segments.Columns.GG_Q;
import static dev.segments.Columns.REPEAT_BUYERS;
import static dev.segments.Columns.STATUS;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The CLV models fitted as of one date, or why not. Grain: one row per as-of date. BG/NBD fields
 * are null unless BG/NBD converged; Gamma-Gamma fields are null unless it converged too.
 *
 * @param asOf the date whose predictions the model made
 * @param status {@link #FITTED}, or "skipped: ..." or "failed to converge: ..." with the reason
 * @param fittedAsOf the date of the data the parameters were fitted on: {@code asOf} for a fit of
 *     this run, an earlier date for a stored model reused (see {@link #reusableOn}); null when
 *     nothing was fitted
 * @param customers customers with at least one purchase day by {@code fittedAsOf} (by {@code asOf}
 *     when nothing was fitted)
 * @param repeatBuyers those of them with at least one repeat purchase day (x > 0)
 */
public record ClvModel(
    LocalDate asOf,
    String status,
    LocalDate fittedAsOf,
    Double r,
    Double alpha,
    Double a,
    Double b,
    Double bgnbdLogLikelihood,
    Double p,
    Double q,
    Double gamma,
    Double ggLogLikelihood,
    long customers,
    long repeatBuyers) {

  public static final String FITTED = "fitted";
  public static final String NO_REPEAT_BUYERS = "skipped: no repeat buyers";
  public static final String NO_POSITIVE_REPEAT_VALUE =
      "skipped: no repeat buyers with a positive repeat value";

  public static final StructType MODEL_SCHEMA =
      new StructType()
          .add(AS_OF, DataTypes.DateType, false)
          .add(STATUS, DataTypes.StringType, false)
          .add(FITTED_AS_OF, DataTypes.DateType, true)
          .add(BGNBD_R, DataTypes.DoubleType, true)
          .add(BGNBD_ALPHA, DataTypes.DoubleType, true)
          .add(BGNBD_A, DataTypes.DoubleType, true)
          .add(BGNBD_B, DataTypes.DoubleType, true)
          .add(BGNBD_LOG_LIKELIHOOD, DataTypes.DoubleType, true)
          .add(GG_P, DataTypes.DoubleType, true)
          .add(GG_Q, DataTypes.DoubleType, true)
          .add(GG_GAMMA, DataTypes.DoubleType, true)
          .add(GG_LOG_LIKELIHOOD, DataTypes.DoubleType, true)
          .add(CUSTOMERS, DataTypes.LongType, false)
          .add(REPEAT_BUYERS, DataTypes.LongType, false);

  static String fewerThan(int minCustomers) {
    return "skipped: fewer than " + minCustomers + " customers";
  }

  static String failed(String model, String why) {
    return "failed to converge: " + model + ": " + why;
  }

  /** Nothing fitted, for this reason. */
  public static ClvModel skipped(LocalDate asOf, String status, long customers, long repeatBuyers) {
    return new ClvModel(
        asOf,
        status,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        customers,
        repeatBuyers);
  }

  /**
   * Whether this stored model may predict as of {@code date} instead of a new fit: both models
   * converged, and they were fitted on or before the date, fewer than {@code refitEveryDays} days
   * before it.
   */
  public boolean reusableOn(LocalDate date, int refitEveryDays) {
    return FITTED.equals(status)
        && fittedAsOf != null
        && !fittedAsOf.isAfter(date)
        && java.time.temporal.ChronoUnit.DAYS.between(fittedAsOf, date) < refitEveryDays;
  }

  /** The same parameters, predicting as of another date. */
  public ClvModel reusedOn(LocalDate date) {
    return new ClvModel(
        date, status, fittedAsOf, r, alpha, a, b, bgnbdLogLikelihood, p, q, gamma, ggLogLikelihood,
        customers, repeatBuyers);
  }

  /**
   * A model from its row of a {@link #MODEL_SCHEMA} table. Rows written before {@code fitted_as_of}
   * existed were all fitted on their own date.
   */
  public static ClvModel fromRow(Row row) {
    LocalDate asOf = row.getDate(row.fieldIndex(AS_OF)).toLocalDate();
    String status = row.getString(row.fieldIndex(STATUS));
    java.sql.Date fitted =
        java.util.Arrays.asList(row.schema().fieldNames()).contains(FITTED_AS_OF)
            ? row.getDate(row.fieldIndex(FITTED_AS_OF))
            : null;
    LocalDate fittedAsOf =
        fitted != null ? fitted.toLocalDate() : (row.isNullAt(row.fieldIndex(BGNBD_R)) ? null : asOf);
    return new ClvModel(
        asOf,
        status,
        fittedAsOf,
        doubleOrNull(row, BGNBD_R),
        doubleOrNull(row, BGNBD_ALPHA),
        doubleOrNull(row, BGNBD_A),
        doubleOrNull(row, BGNBD_B),
        doubleOrNull(row, BGNBD_LOG_LIKELIHOOD),
        doubleOrNull(row, GG_P),
        doubleOrNull(row, GG_Q),
        doubleOrNull(row, GG_GAMMA),
        doubleOrNull(row, GG_LOG_LIKELIHOOD),
        row.getLong(row.fieldIndex(CUSTOMERS)),
        row.getLong(row.fieldIndex(REPEAT_BUYERS)));
  }

  private static Double doubleOrNull(Row row, String column) {
    int i = row.fieldIndex(column);
    return row.isNullAt(i) ? null : row.getDouble(i);
  }

  /** Whether BG/NBD converged, so that p_alive and expected_purchases are predicted. */
  public boolean purchasesFitted() {
    return r != null;
  }

  /** Whether Gamma-Gamma converged too, so that expected_order_value and clv are predicted. */
  public boolean valueFitted() {
    return p != null;
  }

  BgNbd.Params bgNbd() {
    return new BgNbd.Params(r, alpha, a, b);
  }

  GammaGamma.Params gammaGamma() {
    return new GammaGamma.Params(p, q, gamma);
  }

  /** This model as the one row of a {@link #MODEL_SCHEMA} table. */
  public Dataset<Row> toDataset(SparkSession spark) {
    Row row =
        RowFactory.create(
            java.sql.Date.valueOf(asOf),
            status,
            fittedAsOf == null ? null : java.sql.Date.valueOf(fittedAsOf),
            r,
            alpha,
            a,
            b,
            bgnbdLogLikelihood,
            p,
            q,
            gamma,
            ggLogLikelihood,
            customers,
            repeatBuyers);
    return spark.createDataFrame(List.of(row), MODEL_SCHEMA);
  }
}
