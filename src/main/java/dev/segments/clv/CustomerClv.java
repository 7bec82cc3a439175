package dev.segments.clv;

import static dev.segments.Columns.AS_OF;
import static dev.segments.Columns.CHURN_RISK;
import static dev.segments.Columns.CLV;
import static dev.segments.Columns.CUSTOMER_ID;
import static dev.segments.Columns.EXPECTED_ORDER_VALUE;
import static dev.segments.Columns.EXPECTED_PURCHASES;
import static dev.segments.Columns.MEAN_REPEAT_VALUE;
import static dev.segments.Columns.P_ALIVE;
import static dev.segments.Columns.REPEAT_PURCHASES;
import static dev.segments.Columns.T_WEEKS;
import static dev.segments.Columns.T_X_WEEKS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer lifetime value and churn risk as of a date D: BG/NBD for purchases and survival,
 * Gamma-Gamma for order value. Grain of {@link Result#customers()}: one row per customer with a
 * purchase day by D; columns customer_id, as_of, repeat_purchases, t_x_weeks, t_weeks,
 * mean_repeat_value, p_alive, expected_purchases, expected_order_value, clv, churn_risk.
 * Predictions are null where the model they need was not fitted ({@link ClvModel#status()} says
 * why).
 */
public final class CustomerClv {
  private CustomerClv() {}

  private static final Logger LOG = LoggerFactory.getLogger("segments");

  /** The per-customer table (lazy) and the fitted model (already computed). */
  public record Result(Dataset<Row> customers, ClvModel model) {}

  public static Result compute(ClvSettings settings, Dataset<Row> cleanLines, LocalDate asOf) {
    return fromInputs(settings, ClvInputs.compute(cleanLines, asOf), asOf);
  }

  /** The same from a {@link ClvInputs#state} of the lines dated on or before D. */
  public static Result fromState(ClvSettings settings, Dataset<Row> state, LocalDate asOf) {
    return fromInputs(settings, ClvInputs.fromState(state, asOf), asOf);
  }

  /**
   * Predictions as of D from a stored model's parameters, without a fit: the job's nightly path when
   * {@link ClvModel#reusableOn} holds. {@link Result#model()} is the stored model dated D.
   */
  public static Result fromState(ClvSettings settings, Dataset<Row> state, LocalDate asOf, ClvModel stored) {
    ClvModel model = stored.reusedOn(asOf);
    LOG.info("clv as of {}: the model fitted as of {} predicts (clv.refit-every-days {})", asOf, stored.fittedAsOf(),
        settings.refitEveryDays());
    return new Result(predict(settings, ClvInputs.fromState(state, asOf), model), model);
  }

  private static Result fromInputs(ClvSettings settings, Dataset<Row> inputs, LocalDate asOf) {
    SparkContext sc = inputs.sparkSession().sparkContext();
    String outerDescription = sc.getLocalProperty("spark.job.description");
    // The fit reads the inputs several times (counts, two grouped tables); the table returned is
    // lazy and computes them once more when it is written.
    inputs.persist(StorageLevel.MEMORY_AND_DISK());
    ClvModel model;
    try {
      sc.setJobDescription("segments: clv fit");
      model = fit(settings, inputs, asOf);
    } finally {
      sc.setJobDescription(outerDescription);
      inputs.unpersist(false);
    }
    LOG.info(
        "clv as of {}: {} ({} customers, {} repeat buyers; r={} alpha={} a={} b={} p={} q={}"
            + " gamma={})",
        asOf,
        model.status(),
        model.customers(),
        model.repeatBuyers(),
        model.r(),
        model.alpha(),
        model.a(),
        model.b(),
        model.p(),
        model.q(),
        model.gamma());
    return new Result(predict(settings, inputs, model), model);
  }

  private static ClvModel fit(ClvSettings settings, Dataset<Row> inputs, LocalDate asOf) {
    Row counts =
        inputs
            .agg(count(lit(1)), sum(when(col(REPEAT_PURCHASES).gt(0), lit(1L)).otherwise(lit(0L))))
            .first();
    long customers = counts.getLong(0);
    long repeatBuyers = counts.isNullAt(1) ? 0 : counts.getLong(1);
    if (customers < settings.minCustomers()) {
      return ClvModel.skipped(
          asOf, ClvModel.fewerThan(settings.minCustomers()), customers, repeatBuyers);
    }
    // With no repeat purchase at all the likelihood keeps rising as the purchase rate goes to zero:
    // there is no finite optimum to report.
    if (repeatBuyers == 0) {
      return ClvModel.skipped(asOf, ClvModel.NO_REPEAT_BUYERS, customers, repeatBuyers);
    }
    BgNbd.Fit bg = BgNbd.fit(inputs);
    LOG.info(
        "clv BG/NBD: {} after {} iterations, {} likelihood passes",
        bg.message(),
        bg.iterations(),
        bg.evaluations());
    if (!bg.converged()) {
      return ClvModel.skipped(
          asOf, ClvModel.failed("BG/NBD", bg.message()), customers, repeatBuyers);
    }
    BgNbd.Params b = bg.params();
    GammaGamma.Fit gg = GammaGamma.fit(inputs);
    LOG.info(
        "clv Gamma-Gamma: {} after {} iterations, {} likelihood passes",
        gg.message(),
        gg.iterations(),
        gg.evaluations());
    if (!gg.converged()) {
      String status =
          gg.params() == null
              ? ClvModel.NO_POSITIVE_REPEAT_VALUE
              : ClvModel.failed("Gamma-Gamma", gg.message());
      return new ClvModel(
          asOf,
          status,
          asOf,
          b.r(),
          b.alpha(),
          b.a(),
          b.b(),
          bg.logLikelihood(),
          null,
          null,
          null,
          null,
          customers,
          repeatBuyers);
    }
    GammaGamma.Params g = gg.params();
    return new ClvModel(
        asOf,
        ClvModel.FITTED,
        asOf,
        b.r(),
        b.alpha(),
        b.a(),
        b.b(),
        bg.logLikelihood(),
        g.p(),
        g.q(),
        g.gamma(),
        gg.logLikelihood(),
        customers,
        repeatBuyers);
  }

  /**
   * The per-customer predictions of a model on customers' histories: rows with customer_id, as_of,
   * repeat_purchases, t_x_weeks, t_weeks and mean_repeat_value (a {@link ClvInputs} table, or
   * customer_clv itself). Replay uses it to apply a night's model to a full recompute.
   */
  public static Dataset<Row> predict(ClvSettings settings, Dataset<Row> inputs, ClvModel model) {
    Column none = lit(null).cast(DataTypes.DoubleType);
    Column pAlive = model.purchasesFitted() ? BgNbd.pAlive(model.bgNbd()) : none;
    Column expectedPurchases =
        model.purchasesFitted()
            ? BgNbd.expectedPurchases(model.bgNbd(), settings.expectedPurchasesWeeks())
            : none;
    Column orderValue =
        model.valueFitted() ? GammaGamma.expectedOrderValue(model.gammaGamma()) : none;
    // CLV = E[M] x sum over months m of the month's expected purchases discounted by (1 + d)^m:
    // revenue, not margin, and only the customer's future purchases, not any already made.
    Column clv =
        model.valueFitted()
            ? orderValue.multiply(
                BgNbd.discountedPurchases(
                    model.bgNbd(), settings.horizonMonths(), settings.monthlyDiscountRate()))
            : none;
    Column p = col(P_ALIVE);
    Column churnRisk =
        when(p.lt(settings.churnHighBelow()), lit("high"))
            .when(p.lt(settings.churnMediumBelow()), lit("medium"))
            .when(p.isNotNull(), lit("low"));
    return inputs
        .select(
            col(CUSTOMER_ID),
            col(AS_OF),
            col(REPEAT_PURCHASES),
            col(T_X_WEEKS),
            col(T_WEEKS),
            col(MEAN_REPEAT_VALUE),
            pAlive.as(P_ALIVE),
            expectedPurchases.as(EXPECTED_PURCHASES),
            orderValue.as(EXPECTED_ORDER_VALUE),
            clv.as(CLV))
        .withColumn(CHURN_RISK, churnRisk);
  }
}
