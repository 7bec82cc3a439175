package dev.segments.io;

import java.util.List;

/** The Delta tables the job writes, by name; each lives in a folder of that name in the warehouse. */
public final class Tables {
  private Tables() {}

  public static final String TRANSACTIONS = "transactions";
  public static final String QUARANTINE = "quarantine";
  public static final String CUSTOMER_FEATURES = "customer_features";
  public static final String SCORE_THRESHOLDS = "score_thresholds";
  public static final String CUSTOMER_SEGMENTS = "customer_segments";
  public static final String SEGMENT_SUMMARY = "segment_summary";
  public static final String SEGMENT_COMPARISON = "segment_comparison";
  public static final String CLUSTER_PROFILES = "cluster_profiles";
  public static final String KMEANS_SELECTION = "kmeans_selection";
  public static final String PARETO_CURVE = "pareto_curve";
  public static final String RUNS = "runs";

  public static final List<String> ALL =
      List.of(
          TRANSACTIONS, QUARANTINE, CUSTOMER_FEATURES, SCORE_THRESHOLDS, CUSTOMER_SEGMENTS,
          SEGMENT_SUMMARY, SEGMENT_COMPARISON, CLUSTER_PROFILES, KMEANS_SELECTION, PARETO_CURVE, RUNS);
}
