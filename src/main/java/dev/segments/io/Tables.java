package dev.segments.io;

import dev.segments.Columns;
import java.util.List;
import java.util.Map;

/** The Delta tables the job writes, by name; each lives in a folder of that name in the warehouse. */
public final class Tables {
  private Tables() {}

  public static final String TRANSACTIONS = "transactions";
  public static final String BATCHES = "batches";
  public static final String QUARANTINE = "quarantine";
  public static final String CUSTOMER_FEATURES = "customer_features";
  public static final String SCORE_THRESHOLDS = "score_thresholds";
  public static final String CUSTOMER_SEGMENTS = "customer_segments";
  public static final String SEGMENT_SUMMARY = "segment_summary";
  public static final String SEGMENT_COMPARISON = "segment_comparison";
  public static final String SEGMENT_TRANSITIONS = "segment_transitions";
  public static final String CLUSTER_PROFILES = "cluster_profiles";
  public static final String KMEANS_SELECTION = "kmeans_selection";
  public static final String KMEANS_MODELS = "kmeans_models";
  public static final String PARETO_CURVE = "pareto_curve";
  public static final String RUNS = "runs";
  /** Per customer and date: BG/NBD and Gamma-Gamma predictions, CLV and churn risk. */
  public static final String CUSTOMER_CLV = "customer_clv";
  /** Per date: the fitted CLV model parameters and log-likelihoods, or why none was fitted. */
  public static final String CLV_MODELS = "clv_models";
  /** Incremental mode's per-customer state: sums and dates that merge exactly. */
  public static final String STATE_CUSTOMERS = "state_customers";
  /** Incremental mode's per-customer day totals inside the trend windows. */
  public static final String STATE_DAYS = "state_customer_days";
  /** Incremental mode's per-customer purchase-day sums behind the CLV inputs. */
  public static final String STATE_CLV = "state_customer_clv";

  /**
   * Tables with one slice per as-of date, partitioned by (as_of, run_id): a slice counts once the
   * runs table publishes its run id.
   */
  public static final List<String> PER_DATE =
      List.of(
          QUARANTINE, CUSTOMER_FEATURES, SCORE_THRESHOLDS, CUSTOMER_SEGMENTS, SEGMENT_SUMMARY,
          SEGMENT_COMPARISON, SEGMENT_TRANSITIONS, CLUSTER_PROFILES, KMEANS_SELECTION, KMEANS_MODELS,
          PARETO_CURVE, CUSTOMER_CLV, CLV_MODELS);

  /** Tables that accumulate across dates; trusted at the version the last publishing run recorded. */
  public static final List<String> CUMULATIVE = List.of(TRANSACTIONS, BATCHES, STATE_CUSTOMERS, STATE_DAYS, STATE_CLV);

  /** Tables every run writes, in either input mode: what a reader can count on finding. */
  public static final List<String> ALWAYS =
      List.of(
          TRANSACTIONS, QUARANTINE, CUSTOMER_FEATURES, SCORE_THRESHOLDS, CUSTOMER_SEGMENTS, SEGMENT_SUMMARY,
          SEGMENT_COMPARISON, SEGMENT_TRANSITIONS, CLUSTER_PROFILES, KMEANS_SELECTION, KMEANS_MODELS, PARETO_CURVE,
          CUSTOMER_CLV, CLV_MODELS, RUNS);

  /** Tables only input.mode incremental keeps: the batches loaded and the per-customer state. */
  public static final List<String> INCREMENTAL_ONLY = List.of(BATCHES, STATE_CUSTOMERS, STATE_DAYS, STATE_CLV);

  /** Tables with a row per customer (and date), written whole by every run. */
  private static final List<String> PER_CUSTOMER =
      List.of(CUSTOMER_FEATURES, CUSTOMER_SEGMENTS, CUSTOMER_CLV, STATE_CUSTOMERS, STATE_DAYS, STATE_CLV);

  /**
   * Options of a table's first write, which Delta keeps as its properties. Delta keeps min/max
   * statistics on every column unless told otherwise; on transactions they were a third of the
   * write's CPU (10M lines: 42.6 s of task CPU, 28.3 s with four columns). Only columns readers
   * filter on are worth them: on transactions the customer (forget), the day and time (the nightly
   * run's look-up of the days it loads, BI date ranges) and the batch; on a per-customer table the
   * customer, since its other columns vary as much in every file as in the table.
   */
  public static Map<String, String> creationOptions(String table) {
    if (table.equals(TRANSACTIONS)) {
      return Map.of(
          STATS_COLUMNS,
          String.join(",", Columns.CUSTOMER_ID, Columns.EVENT_DATE, Columns.EVENT_TS, Columns.BATCH_ID));
    }
    return PER_CUSTOMER.contains(table) ? Map.of(STATS_COLUMNS, Columns.CUSTOMER_ID) : Map.of();
  }

  private static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

  public static final List<String> ALL =
      java.util.stream.Stream.concat(ALWAYS.stream(), INCREMENTAL_ONLY.stream()).toList();
}
