package dev.segments.bench;

import java.time.LocalDate;
import java.util.List;

/**
 * The DuckDB peer's SQL: clean and RFM only, over the same CSV, written as a DuckDB user would,
 * with each step standing for one of the job's (docs/benchmark.md maps them).
 */
final class PeerSql {
  private PeerSql() {}

  /** Memory and spill settings: the same budget as the job's heap, so neither gets more memory. */
  static List<String> settings(long memoryLimitBytes, String tempDirectory) {
    return List.of(
        "SET memory_limit = '" + (memoryLimitBytes >> 20) + "MiB'",
        "SET temp_directory = " + literal(tempDirectory),
        // No result here depends on the order of rows; keeping it would serialise parts of the scan.
        "SET preserve_insertion_order = false");
  }

  /**
   * Typed read and whole-row dedupe in one pass. A field that does not parse as its type, or a line
   * with too few fields, is rejected by the reader into reject_errors (the job: malformed_row,
   * bad_timestamp, bad_number); {@code copies} counts identical lines (the job's duplicates).
   */
  static String load(String csv) {
    return """
        CREATE TABLE lines AS
        SELECT invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country,
               count(*) AS copies
        FROM read_csv(%s,
          header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
          columns = {'invoice_no': 'VARCHAR', 'stock_code': 'VARCHAR', 'description': 'VARCHAR',
                     'quantity': 'DECIMAL(18,4)', 'invoice_date': 'TIMESTAMP', 'unit_price': 'DECIMAL(18,6)',
                     'customer_id': 'VARCHAR', 'country': 'VARCHAR'},
          timestampformat = '%%Y-%%m-%%d %%H:%%M:%%S',
          store_rejects = true)
        GROUP BY ALL
        """.formatted(literal(csv));
  }

  /**
   * The job's remaining checks on a typed row, in its order: missing customer (trimmed, 13085.0 read
   * as 13085), missing timestamp, missing number, zero quantity, negative price.
   */
  private static final String CUSTOMER =
      "nullif(regexp_replace(trim(customer_id), '^([+-]?[0-9]+)\\.0+$', '\\1'), '')";

  private static final String QUARANTINED =
      CUSTOMER + " IS NULL OR invoice_date IS NULL OR quantity IS NULL OR unit_price IS NULL"
          + " OR quantity = 0 OR unit_price < 0";

  /** Input, duplicate, quarantined and clean rows of the accepted lines. */
  static String acceptedCounts() {
    return "SELECT coalesce(sum(copies), 0), coalesce(sum(copies - 1), 0),"
        + " count(*) FILTER (WHERE " + QUARANTINED + "), count(*) FILTER (WHERE NOT (" + QUARANTINED + "))"
        + " FROM lines";
  }

  /** Rejected lines, and how many distinct texts they have (identical rejected lines are duplicates). */
  static String rejectedCounts() {
    return "SELECT count(DISTINCT (scan_id, file_id, line)), count(DISTINCT csv_line) FROM reject_errors";
  }

  /**
   * Recency, frequency and net monetary value per customer as of D, from clean lines dated on or
   * before D; returns stay as negative amounts. Orders are grouped first and then counted: DuckDB
   * ran out of a 2 GB limit at 100M lines on {@code count(DISTINCT invoice_no)} per customer, and
   * two plain aggregations spill. Frequency is still the orders with a purchase line. Customers
   * with a purchase are scored 1..5 against the 20/40/60/80% quantiles: 1 + the breakpoints below
   * the value (above it, for recency).
   */
  static String rfm(LocalDate asOf) {
    String d = "DATE '" + asOf + "'";
    return """
        CREATE TABLE rfm AS
        WITH clean AS (
          SELECT %1$s AS customer_id, invoice_no, CAST(invoice_date AS DATE) AS day, quantity,
                 quantity * unit_price AS amount
          FROM lines
          WHERE NOT (%2$s)),
        per_order AS (
          SELECT customer_id, invoice_no,
                 max(day) FILTER (WHERE quantity > 0) AS last_purchase_day,
                 sum(amount) AS amount
          FROM clean
          WHERE day <= %3$s
          GROUP BY customer_id, invoice_no),
        per_customer AS (
          SELECT customer_id,
                 date_diff('day', max(last_purchase_day), %3$s) AS recency_days,
                 count(*) FILTER (WHERE last_purchase_day IS NOT NULL AND invoice_no IS NOT NULL) AS frequency,
                 sum(amount) AS monetary
          FROM per_order
          GROUP BY customer_id),
        cuts AS (
          SELECT quantile_disc(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r,
                 quantile_disc(frequency, [0.2, 0.4, 0.6, 0.8]) AS f,
                 quantile_disc(monetary, [0.2, 0.4, 0.6, 0.8]) AS m
          FROM per_customer WHERE frequency > 0)
        SELECT p.*,
               CASE WHEN p.frequency = 0 THEN NULL ELSE 1 + (r[1] > recency_days)::INT + (r[2] > recency_days)::INT
                 + (r[3] > recency_days)::INT + (r[4] > recency_days)::INT END AS r_score,
               CASE WHEN p.frequency = 0 THEN NULL ELSE 1 + (f[1] < frequency)::INT + (f[2] < frequency)::INT
                 + (f[3] < frequency)::INT + (f[4] < frequency)::INT END AS f_score,
               CASE WHEN p.frequency = 0 THEN NULL ELSE 1 + (m[1] < monetary)::INT + (m[2] < monetary)::INT
                 + (m[3] < monetary)::INT + (m[4] < monetary)::INT END AS m_score
        FROM per_customer p, cuts
        """.formatted(CUSTOMER, QUARANTINED, d);
  }

  /** Customers scored (with a purchase) and with returns only, as the job's runs table counts them. */
  static String customerCounts() {
    return "SELECT count(*) FILTER (WHERE frequency > 0), count(*) FILTER (WHERE frequency = 0) FROM rfm";
  }

  /** The result is written, as the job writes its tables: a peer that only counted would pay less. */
  static String write(String parquet) {
    return "COPY rfm TO " + literal(parquet) + " (FORMAT parquet)";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
