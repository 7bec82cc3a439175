package dev.segments;

/** Every column name the product reads or writes, declared once. */
public final class Columns {
  private Columns() {}

  // Clean transaction lines.
  public static final String CUSTOMER_ID = "customer_id";
  public static final String ORDER_ID = "order_id";
  public static final String ORDER_KEY = "order_key";
  public static final String PRODUCT_ID = "product_id";
  public static final String EVENT_TS = "event_ts";
  public static final String EVENT_DATE = "event_date";
  public static final String QUANTITY = "quantity";
  public static final String UNIT_PRICE = "unit_price";
  public static final String LINE_AMOUNT = "line_amount";
  public static final String BATCH_ID = "batch_id";
  public static final String LINE_HASH = "line_hash";
  /** A line's amount in whole millionths, beside the lines while a run sums them; never written. */
  public static final String LINE_AMOUNT_MICROS = "_line_amount_micros";

  // Quarantine.
  public static final String RAW_ROW = "raw_row";
  public static final String REASON = "reason";
  public static final String REASONS = "reasons";
  public static final String RUN_ID = "run_id";

  // Customer features.
  public static final String AS_OF = "as_of";
  public static final String RECENCY_DAYS = "recency_days";
  public static final String FREQUENCY = "frequency";
  public static final String MONETARY = "monetary";
  public static final String PURCHASED_VALUE = "purchased_value";
  public static final String RETURNED_VALUE = "returned_value";
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String LAST_PURCHASE_DATE = "last_purchase_date";
  public static final String TENURE_DAYS = "tenure_days";
  public static final String AVG_ORDER_VALUE = "avg_order_value";
  public static final String RETURN_RATE = "return_rate";
  public static final String MEAN_DAYS_BETWEEN_ORDERS = "mean_days_between_orders";
  public static final String RECENT_VALUE = "recent_value";
  public static final String PRIOR_VALUE = "prior_value";

  // Scores.
  public static final String R_SCORE = "r_score";
  public static final String F_SCORE = "f_score";
  public static final String M_SCORE = "m_score";
  public static final String AOV_SCORE = "aov_score";
  public static final String COST_SCORE = "cost_score";
  public static final String TENURE_SCORE = "tenure_score";

  // Score thresholds.
  public static final String METRIC = "metric";
  public static final String SCORED_COLUMN = "scored_column";
  public static final String CUSTOMERS = "customers";
  public static final String REVERSED = "reversed";
  public static final String B1 = "b1";
  public static final String B2 = "b2";
  public static final String B3 = "b3";
  public static final String B4 = "b4";

  // Segments: one label column per rule family, and the scores behind them.
  public static final String RFM_SEGMENT = "rfm_segment";
  public static final String CUSTOMER_CLASS = "customer_class";
  public static final String QUADRANT = "quadrant";
  public static final String LOYALTY_CLASS = "loyalty_class";
  public static final String VALUE_TIER = "value_tier";
  public static final String LIFECYCLE_STAGE = "lifecycle_stage";
  public static final String PURCHASE_PATTERN = "purchase_pattern";
  public static final String VALUE_TREND = "value_trend";
  public static final String RELATIONSHIP_SCORE = "relationship_score";
  public static final String PROFITABLE = "profitable";
  public static final String LOYAL = "loyal";
  public static final String CLUSTER_ID = "cluster_id";
  public static final String CLUSTER_NAME = "cluster_name";

  // Summaries and comparison.
  public static final String FAMILY = "family";
  public static final String LABEL = "label";
  public static final String SHARE = "share";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_SHARE = "revenue_share";
  public static final String SILHOUETTE = "silhouette";
  public static final String K = "k";

  // ---------------------------------------------------------------------------------------------
  // CLV: BG/NBD and Gamma-Gamma inputs per customer, their predictions, and the fitted model.
  public static final String REPEAT_PURCHASES = "repeat_purchases";
  public static final String T_X_WEEKS = "t_x_weeks";
  public static final String T_WEEKS = "t_weeks";
  public static final String MEAN_REPEAT_VALUE = "mean_repeat_value";
  /** The CLV state kept between nightly runs: purchase days and their net values. */
  public static final String PURCHASE_DAYS = "purchase_days";
  public static final String PURCHASE_DAYS_VALUE = "purchase_days_value";
  public static final String FIRST_DAY_VALUE = "first_day_value";
  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String EXPECTED_ORDER_VALUE = "expected_order_value";
  public static final String CLV = "clv";
  public static final String CHURN_RISK = "churn_risk";
  public static final String STATUS = "status";
  public static final String FITTED_AS_OF = "fitted_as_of";
  public static final String BGNBD_R = "r";
  public static final String BGNBD_ALPHA = "alpha";
  public static final String BGNBD_A = "a";
  public static final String BGNBD_B = "b";
  public static final String BGNBD_LOG_LIKELIHOOD = "bgnbd_log_likelihood";
  public static final String GG_P = "p";
  public static final String GG_Q = "q";
  public static final String GG_GAMMA = "gamma";
  public static final String GG_LOG_LIKELIHOOD = "gg_log_likelihood";
  public static final String REPEAT_BUYERS = "repeat_buyers";
}
