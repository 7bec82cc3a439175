package dev.segments.clean;

import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.LINE_AMOUNT_MICROS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_multiply;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Line amounts summed as whole millionths in a long. The money type has 38 digits, more than a long
 * holds, so Spark keeps such a value as bytes and every read, addition and write of a decimal sum
 * went through BigInteger and BigDecimal: about a fifth of a 10M run's samples (docs/benchmark.md).
 * An amount has six decimals, so its millionths are exact, a sum of them is the exact decimal sum,
 * and a sum too large for a long fails the run (ANSI arithmetic) instead of wrapping.
 */
public final class Money {
  private Money() {}

  /** The largest amount, in either sign, that a line or a sum of lines may reach: (2^63 - 1) millionths. */
  public static final BigDecimal LIMIT = BigDecimal.valueOf(Long.MAX_VALUE, 6);

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal MILLIONTH = new BigDecimal("0.000001");

  /** The millionths of an amount of the money type; null when beyond {@link #LIMIT}. */
  static Column tryMicros(Column amount) {
    return try_multiply(amount, lit(MILLION)).try_cast(DataTypes.LongType);
  }

  /** A sum of millionths as the money type, exactly. */
  public static Column fromMicros(Column micros) {
    return micros.cast(DataTypes.createDecimalType(20, 0)).multiply(lit(MILLIONTH)).cast(Cleaner.MONEY_TYPE);
  }

  /**
   * The lines with {@link dev.segments.Columns#LINE_AMOUNT_MICROS}: the clean stage's own, or taken
   * from the amount (lines read back from the transactions table, or built by a caller). A stored
   * amount beyond the limit fails the run rather than being summed wrong.
   */
  public static Dataset<Row> withMicros(Dataset<Row> lines) {
    if (Arrays.asList(lines.columns()).contains(LINE_AMOUNT_MICROS)) {
      return lines;
    }
    return lines.withColumn(LINE_AMOUNT_MICROS, micros(col(LINE_AMOUNT)));
  }

  /** The millionths of an amount; beyond {@link #LIMIT} the run fails (ANSI cast). */
  public static Column micros(Column amount) {
    return amount.cast(Cleaner.MONEY_TYPE).multiply(lit(MILLION)).cast(DataTypes.LongType);
  }

  /**
   * Two sums that together give the exact sum of millionths, whatever the row count: each long is
   * split into its high and low 32 bits, and neither part's sum can overflow below 2^31 rows.
   */
  public static Column[] splitSums(Column micros) {
    return new Column[] {sum(shiftright(micros, 32)), sum(micros.bitwiseAND(lit(0xFFFFFFFFL)))};
  }

  /** The amount two {@link #splitSums} make; zero for sums of no rows (nulls). */
  public static BigDecimal fromSplitSums(Row row, int high) {
    long h = row.isNullAt(high) ? 0 : row.getLong(high);
    long l = row.isNullAt(high + 1) ? 0 : row.getLong(high + 1);
    return new BigDecimal(BigInteger.valueOf(h).shiftLeft(32).add(BigInteger.valueOf(l)), 6);
  }

  /** The lines without the millionths, as the transactions table holds them. */
  public static Dataset<Row> withoutMicros(Dataset<Row> lines) {
    return lines.drop(LINE_AMOUNT_MICROS);
  }
}
