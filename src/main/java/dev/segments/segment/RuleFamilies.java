package dev.segments.segment;

import static dev.segments.Columns.AOV_SCORE;
import static dev.segments.Columns.COST_SCORE;
import static dev.segments.Columns.CUSTOMER_CLASS;
import static dev.segments.Columns.FREQUENCY;
import static dev.segments.Columns.F_SCORE;
import static dev.segments.Columns.LIFECYCLE_STAGE;
import static dev.segments.Columns.LOYAL;
import static dev.segments.Columns.LOYALTY_CLASS;
import static dev.segments.Columns.MEAN_DAYS_BETWEEN_ORDERS;
import static dev.segments.Columns.MONETARY;
import static dev.segments.Columns.M_SCORE;
import static dev.segments.Columns.PRIOR_VALUE;
import static dev.segments.Columns.PROFITABLE;
import static dev.segments.Columns.PURCHASE_PATTERN;
import static dev.segments.Columns.QUADRANT;
import static dev.segments.Columns.RECENCY_DAYS;
import static dev.segments.Columns.RECENT_VALUE;
import static dev.segments.Columns.RELATIONSHIP_SCORE;
import static dev.segments.Columns.RFM_SEGMENT;
import static dev.segments.Columns.R_SCORE;
import static dev.segments.Columns.TENURE_DAYS;
import static dev.segments.Columns.TENURE_SCORE;
import static dev.segments.Columns.VALUE_TIER;
import static dev.segments.Columns.VALUE_TREND;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.segments.config.SegmentsConfig;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Every rule family of the domain guide: one label per scored customer and family, evaluated in the
 * guide's order (first match wins), with the derived scores and flags that led there.
 */
public final class RuleFamilies {
  /** The label columns, one per family, in the order the guide lists them. */
  public static final List<String> FAMILIES =
      List.of(
          RFM_SEGMENT, CUSTOMER_CLASS, QUADRANT, LOYALTY_CLASS, VALUE_TIER, LIFECYCLE_STAGE,
          PURCHASE_PATTERN, VALUE_TREND);

  private RuleFamilies() {}

  /** Monetary cut-offs from the scored customers' percentiles (value tiers and the quadrant). */
  public record MonetaryCuts(double profitable, double high, double mid) {}

  public static Dataset<Row> assign(Dataset<Row> scored, SegmentsConfig.Segments cfg, MonetaryCuts cuts) {
    return RfmSegments.assign(scored, cfg.rfmMap())
        .withColumn(RELATIONSHIP_SCORE, relationshipScore())
        .withColumn(CUSTOMER_CLASS, customerClass(cfg.customerClass()))
        .withColumn(PROFITABLE, col(MONETARY).cast(DataTypes.DoubleType).geq(cuts.profitable()))
        .withColumn(LOYAL, col(R_SCORE).plus(col(F_SCORE)).divide(2).geq(cfg.quadrant().loyaltyMin()))
        .withColumn(QUADRANT, quadrant())
        .withColumn(LOYALTY_CLASS, loyaltyClass(cfg.loyalty()))
        .withColumn(VALUE_TIER, valueTier(cuts))
        .withColumn(VALUE_TREND, valueTrend(cfg.valueTrend()))
        .withColumn(LIFECYCLE_STAGE, lifecycle(cfg.lifecycle()))
        .withColumn(PURCHASE_PATTERN, purchasePattern(cfg.purchasePattern()));
  }

  /** (R score + tenure score) / 2, rounded half up. */
  static Column relationshipScore() {
    return col(R_SCORE).plus(col(TENURE_SCORE)).plus(1).divide(2).cast(DataTypes.IntegerType);
  }

  static Column customerClass(SegmentsConfig.CustomerClass cfg) {
    Column[] scores = {col(F_SCORE), col(AOV_SCORE), col(COST_SCORE), col(RELATIONSHIP_SCORE)};
    Column lowest = least(scores);
    Column highest = greatest(scores);
    return when(lowest.geq(cfg.bestMin()), lit("Best"))
        .when(highest.leq(cfg.worstMax()), lit("Worst"))
        .when(highest.geq(cfg.potentialMin()), lit("Potential"))
        .otherwise(lit("Average"));
  }

  static Column quadrant() {
    Column profitable = col(PROFITABLE);
    Column loyal = col(LOYAL);
    return when(profitable.and(loyal), lit("True Friends"))
        .when(profitable, lit("Butterflies"))
        .when(loyal, lit("Barnacles"))
        .otherwise(lit("Strangers"));
  }

  static Column loyaltyClass(SegmentsConfig.Loyalty cfg) {
    Column recency = col(RECENCY_DAYS);
    Column overdue = beyondCycle(cfg.lostCycleMultiple()).and(recency.gt(cfg.lostMinRecencyDays()));
    return when(recency.gt(cfg.lostRecencyDays()).or(overdue), lit("Lost"))
        .when(
            col(F_SCORE)
                .geq(cfg.loyalMinF())
                .and(col(M_SCORE).geq(cfg.loyalMinM()))
                .and(col(TENURE_DAYS).geq(cfg.loyalMinTenureDays())),
            lit("Loyal"))
        .when(
            col(TENURE_DAYS).lt(cfg.potentialMaxTenureDays()).or(col(F_SCORE).geq(cfg.potentialMinF())),
            lit("Potential"))
        .otherwise(lit("Marginal"));
  }

  /** A repeat customer whose silence exceeds {@code multiple} x their mean days between orders. */
  private static Column beyondCycle(double multiple) {
    return col(FREQUENCY)
        .geq(2)
        .and(coalesce(col(RECENCY_DAYS).gt(col(MEAN_DAYS_BETWEEN_ORDERS).multiply(multiple)), lit(false)));
  }

  static Column valueTier(MonetaryCuts cuts) {
    Column monetary = col(MONETARY).cast(DataTypes.DoubleType);
    return when(monetary.geq(cuts.high()), lit("High"))
        .when(monetary.geq(cuts.mid()), lit("Mid"))
        .otherwise(lit("Low"));
  }

  /** Taken literally from the guide, including for negative prior spend. */
  static Column valueTrend(SegmentsConfig.ValueTrend cfg) {
    Column recent = col(RECENT_VALUE);
    Column prior = col(PRIOR_VALUE);
    return when(
            recent.gt(prior.multiply(lit(cfg.risingRatio())))
                .or(prior.leq(0).and(recent.gt(0))),
            lit("Rising"))
        .when(recent.lt(prior.multiply(lit(cfg.decliningRatio()))), lit("Declining"))
        .otherwise(lit("Stable"));
  }

  static Column lifecycle(SegmentsConfig.Lifecycle cfg) {
    Column recency = col(RECENCY_DAYS);
    Column lapsing =
        beyondCycle(cfg.lapsingCycleMultiple())
            .or(col(FREQUENCY).equalTo(1).and(recency.gt(cfg.lapsingSingleRecencyDays())));
    return when(recency.gt(cfg.churnedRecencyDays()), lit("Churned"))
        .when(col(TENURE_DAYS).lt(cfg.newTenureDays()), lit("New"))
        .when(lapsing, lit("Lapsing"))
        .when(col(VALUE_TREND).equalTo("Rising"), lit("Growing"))
        .otherwise(lit("Mature"));
  }

  static Column purchasePattern(SegmentsConfig.PurchasePattern cfg) {
    return when(col(FREQUENCY).equalTo(1), lit("One-time"))
        .when(col(F_SCORE).geq(cfg.frequentMinF()), lit("Frequent"))
        .otherwise(lit("Occasional"));
  }
}
