package dev.segments.clean;

import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EVENT_DATE;
import static dev.segments.Columns.EVENT_TS;
import static dev.segments.Columns.LINE_AMOUNT;
import static dev.segments.Columns.LINE_AMOUNT_MICROS;
import static dev.segments.Columns.ORDER_ID;
import static dev.segments.Columns.ORDER_KEY;
import static dev.segments.Columns.BATCH_ID;
import static dev.segments.Columns.LINE_HASH;
import static dev.segments.Columns.PRODUCT_ID;
import static dev.segments.Columns.QUANTITY;
import static dev.segments.Columns.RAW_ROW;
import static dev.segments.Columns.REASON;
import static dev.segments.Columns.REASONS;
import static dev.segments.Columns.UNIT_PRICE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segments.config.SegmentsConfig.Clean;
import dev.segments.config.SegmentsConfig.ColumnMapping;
import dev.segments.config.SegmentsConfig.Dedupe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns raw input rows into typed transaction lines and quarantined rows. One row of the validated
 * result stands for {@link #COPIES} identical input rows (the kept row and its exact duplicates);
 * {@link Columns#REASON} is null for a clean line.
 */
public final class Cleaner {
  /** How many input rows a validated row stands for; all but one of them are duplicates. */
  public static final String COPIES = "_copies";

  /** Quantities may be fractional (weights); prices keep up to six decimals exactly. */
  public static final DataType QUANTITY_TYPE = DataTypes.createDecimalType(20, 4);

  public static final DataType PRICE_TYPE = DataTypes.createDecimalType(22, 6);

  /**
   * The types a quantity and a price (or line amount) are read as: at most 18 digits, so Spark keeps
   * them in a long, not as bytes and BigDecimal, while the lines are cached and summed. The
   * transactions table keeps its wider types. Larger values (a quantity of 10^14, a price of 10^12)
   * cannot make an amount a sum holds exactly (Money) and are quarantined as bad numbers.
   */
  static final DataType QUANTITY_READ_TYPE = DataTypes.createDecimalType(18, 4);

  static final DataType PRICE_READ_TYPE = DataTypes.createDecimalType(18, 6);
  public static final DataType MONEY_TYPE = DataTypes.createDecimalType(38, 6);

  private static final String NO_VALUE = "";
  private static final String RAW_STRUCT = "_raw";
  private static final String RAW_HASH = "_raw_hash";

  private Cleaner() {}

  /** The timestamp layout read by {@link #eventTimestamp}'s fast path. */
  static final String ISO_SECONDS = "yyyy-MM-dd HH:mm:ss";

  /** Text in that layout: its digits and separators, each at its place. */
  private static final String ISO_SECONDS_LAYOUT = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$";

  /** A raw row's event time as the mapping reads it; null when it does not parse. */
  public static Column eventTimestamp(ColumnMapping mapping) {
    Column text = trim(input(mapping.timestamp()));
    if (mapping.timestampFormat() == null) {
      return try_to_timestamp(text);
    }
    if (mapping.timestampFormat().equals(ISO_SECONDS)) {
      return isoSeconds(text);
    }
    return try_to_timestamp(text, lit(mapping.timestampFormat()));
  }

  /**
   * The same as {@code try_to_timestamp(text, 'yyyy-MM-dd HH:mm:ss')}, several times faster: the
   * pattern goes through java.time's parser (about 7% of the clean stage's CPU at 10M rows), while a
   * cast reads this layout by hand. The cast alone is more lenient (one-digit fields, a 'T', fractions,
   * a zone, a sign), so a regular expression first requires the pattern's digits and separators at
   * its places; of such text the cast refuses what the pattern refuses (a 13th month, a 30 February,
   * hour 24). Checking only the separators let "10:04:5Z" through, and five substrings per row cost
   * twice what the expression does.
   */
  static Column isoSeconds(Column text) {
    return when(text.rlike(ISO_SECONDS_LAYOUT), text.try_cast(DataTypes.TimestampType));
  }

  /** Dedupes, types and checks every row; the result is one row per kept input row. */
  public static Dataset<Row> validate(RawInput raw, ColumnMapping mapping, Clean cfg) {
    return complete(checked(raw, mapping, cfg), raw);
  }

  /**
   * What {@link #validate} computes, less the columns that follow from the others (the day, the
   * order key, a single batch's id). A run caches this and completes it with {@link #complete}:
   * every cached column costs CPU to build and memory to hold, and deriving these three again where
   * they are used costs less.
   */
  public static Dataset<Row> checked(RawInput raw, ColumnMapping mapping, Clean cfg) {
    // Taken before typing, which replaces a source column named like an internal one (quantity).
    Dataset<Row> deduped =
        dedupe(raw, mapping, cfg.dedupe())
            .withColumn(RAW_STRUCT, rawStruct(raw.columns()))
            .withColumn(RAW_HASH, rawHash(raw.columns()));
    Column customer = normalizedCustomer(input(mapping.customerId()));
    Column timestamp = eventTimestamp(mapping);
    Column quantity =
        mapping.quantity() == null ? lit(null).cast(QUANTITY_READ_TYPE) : number(mapping.quantity(), QUANTITY_READ_TYPE);
    Column price =
        mapping.pricedPerUnit() ? number(mapping.unitPrice(), PRICE_READ_TYPE) : lit(null).cast(PRICE_READ_TYPE);
    Column amount =
        mapping.pricedPerUnit() ? lit(null).cast(PRICE_READ_TYPE) : number(mapping.lineAmount(), PRICE_READ_TYPE);
    Column product = mapping.productId() == null ? lit(null).cast(DataTypes.StringType) : blankToNull(trim(input(mapping.productId())));
    Column order = mapping.hasOrderId() ? blankToNull(trim(input(mapping.orderId()))) : lit(null).cast(DataTypes.StringType);

    Dataset<Row> typed =
        deduped
            .withColumn(CUSTOMER_ID, customer)
            .withColumn(EVENT_TS, timestamp)
            .withColumn(QUANTITY, quantity)
            .withColumn(UNIT_PRICE, price)
            .withColumn("_amount", amount)
            .withColumn(PRODUCT_ID, product)
            .withColumn(ORDER_ID, order);
    Column lineAmount =
        mapping.pricedPerUnit()
            ? col(QUANTITY).multiply(col(UNIT_PRICE)).cast(MONEY_TYPE)
            // A line amount is signed by the line: a negative quantity makes it a return whatever
            // sign the amount was written with.
            : when(coalesce(col(QUANTITY).lt(0), lit(false)), abs(col("_amount")).unary_$minus())
                .otherwise(col("_amount"))
                .cast(MONEY_TYPE);
    // The amount is computed once, in millionths (Money): the cached lines hold no wide decimal sum input.
    typed = typed.withColumn(LINE_AMOUNT, lineAmount).withColumn(LINE_AMOUNT_MICROS, Money.tryMicros(col(LINE_AMOUNT)));

    Column numberBad =
        numberUnparsed(mapping.quantity(), col(QUANTITY))
            .or(numberUnparsed(mapping.unitPrice(), col(UNIT_PRICE)))
            .or(numberUnparsed(mapping.lineAmount(), col("_amount")));
    List<Column> checks = new ArrayList<>();
    checks.add(reasonWhen(col(RawInput.CORRUPT_RECORD).isNotNull(), QuarantineReason.MALFORMED_ROW));
    checks.add(reasonWhen(col(CUSTOMER_ID).isNull(), QuarantineReason.MISSING_CUSTOMER));
    checks.add(reasonWhen(col(EVENT_TS).isNull(), QuarantineReason.BAD_TIMESTAMP));
    if (cfg.earliestDate() != null) {
      checks.add(
          reasonWhen(
              coalesce(to_date(col(EVENT_TS)).lt(lit(java.sql.Date.valueOf(cfg.earliestDate()))), lit(false)),
              QuarantineReason.BEFORE_EARLIEST_DATE));
    }
    checks.add(reasonWhen(numberBad, QuarantineReason.BAD_NUMBER));
    checks.add(reasonWhen(coalesce(col(QUANTITY).equalTo(0), lit(false)), QuarantineReason.ZERO_QUANTITY));
    checks.add(reasonWhen(coalesce(col(UNIT_PRICE).lt(0), lit(false)), QuarantineReason.NEGATIVE_PRICE));
    // Sums are exact in a long's range (Money); a line beyond it is no purchase, but a typo.
    checks.add(
        reasonWhen(col(LINE_AMOUNT).isNotNull().and(col(LINE_AMOUNT_MICROS).isNull()), QuarantineReason.AMOUNT_OUT_OF_RANGE));
    checks.add(
        reasonWhen(
            coalesce(col(CUSTOMER_ID).isin(normalizedIds(cfg.blacklist())), lit(false)),
            QuarantineReason.BLACKLISTED_CUSTOMER));
    checks.add(
        reasonWhen(
            coalesce(col(PRODUCT_ID).isin(cfg.excludedProducts().toArray()), lit(false)),
            QuarantineReason.EXCLUDED_PRODUCT));
    // array_except drops the nulls in generated code; a lambda filter would be interpreted per row.
    // Only a quarantined row keeps its reasons, so only such a row builds the array.
    Column reasons = array_except(array(checks.toArray(Column[]::new)), array(lit(null).cast(DataTypes.StringType)));

    List<Column> out = new ArrayList<>();
    out.add(col(CUSTOMER_ID));
    out.add(col(ORDER_ID));
    out.add(col(PRODUCT_ID));
    out.add(col(EVENT_TS));
    out.add(col(QUANTITY));
    out.add(col(UNIT_PRICE));
    out.add(when(col(REASON).isNull(), col(LINE_AMOUNT_MICROS)).as(LINE_AMOUNT_MICROS));
    out.add(col(REASON));
    out.add(col(REASONS));
    out.add(col(RAW_ROW));
    // Identifies a delivered row across batches, so an exact duplicate of a line already in
    // the transactions table is recognised by an incremental run.
    out.add(col(RAW_HASH).as(LINE_HASH));
    if (raw.batchIds().size() > 1) {
      out.add(col(RawInput.BATCH).as(BATCH_ID));
    }
    out.add(col(COPIES));
    return typed
        .withColumn(REASON, coalesce(checks.toArray(Column[]::new)))
        .withColumn(REASONS, when(col(REASON).isNotNull(), reasons))
        // Only a quarantined row needs its text kept; JSON for every line would cost more than typing it.
        .withColumn(RAW_ROW, when(col(REASON).isNotNull(), to_json(col(RAW_STRUCT))))
        .select(out.toArray(Column[]::new));
  }

  /** A {@link #checked} dataset with every column of {@link #validate}. */
  public static Dataset<Row> complete(Dataset<Row> checked, RawInput raw) {
    Column eventDate = to_date(col(EVENT_TS));
    // Without an order id, an order is one customer's calendar day.
    Column orderKey =
        coalesce(col(ORDER_ID), concat(col(CUSTOMER_ID), lit("|"), date_format(eventDate, "yyyy-MM-dd")));
    Column batch = raw.batchIds().size() == 1 ? lit(raw.batchIds().get(0)) : col(BATCH_ID);
    return checked.select(
        col(CUSTOMER_ID),
        orderKey.as(ORDER_KEY),
        col(ORDER_ID),
        col(PRODUCT_ID),
        col(EVENT_TS),
        eventDate.as(EVENT_DATE),
        col(QUANTITY).cast(QUANTITY_TYPE).as(QUANTITY),
        col(UNIT_PRICE).cast(PRICE_TYPE).as(UNIT_PRICE),
        Money.fromMicros(col(LINE_AMOUNT_MICROS)).as(LINE_AMOUNT),
        col(REASON),
        col(REASONS),
        col(RAW_ROW),
        col(LINE_HASH),
        batch.as(BATCH_ID),
        col(COPIES),
        col(LINE_AMOUNT_MICROS));
  }

  /** The clean lines of a validated dataset. */
  public static Dataset<Row> cleanLines(Dataset<Row> validated) {
    return validated
        .where(col(REASON).isNull())
        .select(
            col(CUSTOMER_ID),
            col(ORDER_KEY),
            col(ORDER_ID),
            col(PRODUCT_ID),
            col(EVENT_TS),
            col(EVENT_DATE),
            col(QUANTITY),
            col(UNIT_PRICE),
            col(LINE_AMOUNT),
            col(LINE_HASH),
            col(BATCH_ID),
            col(LINE_AMOUNT_MICROS));
  }

  /** The quarantined rows of a validated dataset: the raw row and why. */
  public static Dataset<Row> quarantined(Dataset<Row> validated) {
    // The customer id, where one could be read, lets `forget` find a customer's quarantined rows.
    return validated
        .where(col(REASON).isNotNull())
        .select(col(RAW_ROW), col(REASON), col(REASONS), col(CUSTOMER_ID), col(BATCH_ID));
  }

  /** Counts where every input row went, in one aggregation. */
  public static Reconciliation reconcile(Dataset<Row> validated) {
    Row counts =
        validated
            .agg(
                coalesce(sum(col(COPIES)), lit(0L)),
                coalesce(sum(col(COPIES).minus(1)), lit(0L)),
                count(when(col(REASON).isNull(), lit(1))),
                count(when(col(REASON).isNotNull(), lit(1))))
            .first();
    return new Reconciliation(counts.getLong(0), counts.getLong(2), counts.getLong(1), counts.getLong(3));
  }

  private static Dataset<Row> dedupe(RawInput raw, ColumnMapping mapping, Dedupe cfg) {
    List<Column> all = new ArrayList<>();
    for (String name : raw.columns()) {
      all.add(input(name));
    }
    all.add(col(RawInput.CORRUPT_RECORD));
    Dataset<Row> rows = raw.rows();
    if (!Arrays.asList(rows.columns()).contains(RawInput.BATCH)) {
      // Inputs built in memory (tests, callers of the stage) carry one batch: the whole input.
      rows = rows.withColumn(RawInput.BATCH, lit(raw.batchId()));
    }
    return switch (cfg.mode()) {
      case OFF -> rows.withColumn(COPIES, lit(1L));
      // A row delivered in two batches of one run is kept once, under the first batch by id.
      case WHOLE_ROW -> dedupeWholeRows(rows, all, raw.batchIds(), orderColumns(mapping));
      case KEYS -> dedupeByKeys(rows, raw.columns(), cfg);
    };
  }

  /**
   * A minimum over the batch id (a string) would make Spark sort every input row by all its columns
   * (strings do not fit a hash aggregation's buffer), so the first batch is found by its rank among
   * the sorted ids instead, and a single batch needs no minimum at all.
   */
  private static Dataset<Row> dedupeWholeRows(
      Dataset<Row> rows, List<Column> all, List<String> batchIds, Column[] order) {
    Column[] keys = all.toArray(Column[]::new);
    int splits = rows.rdd().getNumPartitions();
    int partitions = outputPartitions(rows.sparkSession(), splits);
    // Nearly every row is distinct, so a map-side partial aggregation reduces nothing and only
    // costs a hash map per split; a plain shuffle into small partitions lets the aggregation after
    // it fit in memory instead of spilling. Identical rows share their raw customer, order and time,
    // so shuffling by those is enough to bring copies together, and it leaves each order's lines
    // in one partition: the per-order and per-day aggregations that read the cached lines then
    // shrink them before their own shuffles. A customer with many orders is still spread.
    // Coalescing keeps the usual partition count (at least one per input split, outputPartitions)
    // for every stage that reads the cached lines.
    Dataset<Row> spread = rows.repartition(Math.max(partitions, 2 * splits), order);
    Dataset<Row> grouped;
    if (batchIds.size() == 1) {
      grouped = spread.groupBy(keys).agg(count(lit(1)).as(COPIES)).withColumn(RawInput.BATCH, lit(batchIds.get(0)));
    } else {
      Column ids = array(batchIds.stream().sorted().distinct().map(functions::lit).toArray(Column[]::new));
      grouped =
          spread.groupBy(keys)
              .agg(count(lit(1)).as(COPIES), min(array_position(ids, col(RawInput.BATCH))).as("_rank"))
              .withColumn(RawInput.BATCH, element_at(ids, col("_rank").cast("int")))
              .drop("_rank");
    }
    return grouped.coalesce(partitions);
  }

  /**
   * The partitions of the deduplicated rows: the session's shuffle partitions, or one per input split
   * when the input has more. The validated lines are cached one block per partition, and a block read
   * back from disk is loaded whole into memory: with 100M lines in the 4 partitions of a 2-core local
   * session, each block held 25M lines, and the run ran out of a 2 or 3 GB heap allocating one.
   */
  static int outputPartitions(SparkSession spark, int inputSplits) {
    int shuffle = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    return Math.max(shuffle, inputSplits);
  }

  /**
   * The raw columns an order's lines share: customer, order id when mapped, and timestamp (an order
   * is written with one time). The timestamp also spreads lines whose customer and order id are both
   * blank, which would otherwise all meet in one partition.
   */
  private static Column[] orderColumns(ColumnMapping mapping) {
    List<Column> columns = new ArrayList<>();
    columns.add(input(mapping.customerId()));
    if (mapping.hasOrderId()) {
      columns.add(input(mapping.orderId()));
    }
    columns.add(input(mapping.timestamp()));
    return columns.toArray(Column[]::new);
  }

  /**
   * One row per key. The kept row is the one with the greatest prefer-latest-by value (compared as
   * text), else the one whose columns sort first, so the choice never depends on input order.
   */
  private static Dataset<Row> dedupeByKeys(Dataset<Row> rows, List<String> columns, Dedupe cfg) {
    List<Column> keys = cfg.keys().stream().map(Cleaner::input).toList();
    List<Column> rest = new ArrayList<>();
    if (cfg.preferLatestBy() != null) {
      rest.add(coalesce(input(cfg.preferLatestBy()), lit(NO_VALUE)).as("_prefer"));
    }
    for (String name : columns) {
      if (!cfg.keys().contains(name)) {
        rest.add(input(name).as(name));
      }
    }
    rest.add(col(RawInput.CORRUPT_RECORD).as(RawInput.CORRUPT_RECORD));
    rest.add(col(RawInput.BATCH).as(RawInput.BATCH));
    Column chosen =
        cfg.preferLatestBy() != null
            ? max(struct(rest.toArray(Column[]::new)))
            : min(struct(rest.toArray(Column[]::new)));
    List<Column> out = new ArrayList<>();
    for (String name : columns) {
      out.add(cfg.keys().contains(name) ? input(name) : col("_kept." + quoted(name)).as(name));
    }
    out.add(col("_kept." + RawInput.CORRUPT_RECORD).as(RawInput.CORRUPT_RECORD));
    out.add(col("_kept." + RawInput.BATCH).as(RawInput.BATCH));
    out.add(col(COPIES));
    Column[] grouping = keys.toArray(Column[]::new);
    // Shuffled by the keys into as many partitions as the kept rows need; the grouping reuses it.
    return rows.repartition(outputPartitions(rows.sparkSession(), rows.rdd().getNumPartitions()), grouping)
        .groupBy(grouping)
        .agg(chosen.as("_kept"), count(lit(1)).as(COPIES))
        .select(out.toArray(Column[]::new));
  }

  /** Trimmed; a numeric id written with a zero fraction ({@code 13085.0}) is the integer id. */
  static Column normalizedCustomer(Column raw) {
    Column id = trim(raw);
    // The pattern needs a point: most ids have none and skip the regular expression.
    return blankToNull(when(id.contains("."), regexp_replace(id, "^([+-]?[0-9]+)\\.0+$", "$1")).otherwise(id));
  }

  static Object[] normalizedIds(List<String> ids) {
    return ids.stream().map(id -> id.trim().replaceFirst("^([+-]?[0-9]+)\\.0+$", "$1")).toArray();
  }

  private static Column number(String name, DataType type) {
    return trim(input(name)).try_cast(type);
  }

  /** True when a mapped numeric column was absent or could not be parsed. */
  private static Column numberUnparsed(String mapped, Column parsed) {
    return mapped == null ? lit(false) : parsed.isNull();
  }

  private static Column reasonWhen(Column failed, QuarantineReason reason) {
    return when(failed, lit(reason.code()));
  }

  private static Column blankToNull(Column text) {
    return when(text.equalTo(lit(NO_VALUE)), lit(null).cast(DataTypes.StringType)).otherwise(text);
  }

  private static Column rawStruct(List<String> columns) {
    List<Column> fields = new ArrayList<>();
    for (String name : columns) {
      fields.add(input(name).as(name));
    }
    fields.add(col(RawInput.CORRUPT_RECORD).as(RawInput.CORRUPT_RECORD));
    return struct(fields.toArray(Column[]::new));
  }

  /**
   * A hash of the raw fields and of which of them are null: Spark's hash skips a null, so without
   * the mask "a, null" and "null, a" would be the same row.
   */
  private static Column rawHash(List<String> columns) {
    List<Column> fields = new ArrayList<>();
    List<Column> nulls = new ArrayList<>();
    for (String name : columns) {
      fields.add(input(name));
      nulls.add(when(input(name).isNull(), lit("1")).otherwise(lit("0")));
    }
    fields.add(col(RawInput.CORRUPT_RECORD));
    nulls.add(when(col(RawInput.CORRUPT_RECORD).isNull(), lit("1")).otherwise(lit("0")));
    fields.add(concat(nulls.toArray(Column[]::new)));
    return xxhash64(fields.toArray(Column[]::new));
  }

  static Column input(String name) {
    return col(quoted(name));
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
