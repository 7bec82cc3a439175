package dev.segments.clean;

import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.LINE_AMOUNT_MICROS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_multiply;

import java.math.BigDecimal;
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
    return lines.withColumn(
        LINE_AMOUNT_MICROS, col(LINE_AMOUNT).cast(Cleaner.MONEY_TYPE).multiply(lit(MILLION)).cast(DataTypes.LongType));
  }

  /** The lines without the millionths, as the transactions table holds them. */
  public static Dataset<Row> withoutMicros(Dataset<Row> lines) {
    return lines.drop(LINE_AMOUNT_MICROS);
  }
}
