package dev.segments.clv;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Settings of the CLV stage (YAML section {@code clv}); absent values take the defaults below and
 * bad values are rejected naming the key.
 *
 * @param expectedPurchasesWeeks horizon of {@code expected_purchases}, in weeks (default 52: one
 *     year, the horizon people ask about when they ask "how many more orders")
 * @param horizonMonths months summed into {@code clv} (default 12)
 * @param discountRate annual discount rate of future value (default 0.10)
 * @param monthlyDiscount how the annual rate becomes a monthly one (default compound)
 * @param churnHighBelow {@code p_alive} below this is churn risk "high" (default 0.3)
 * @param churnMediumBelow {@code p_alive} below this (and not high) is "medium", else "low"
 *     (default 0.7)
 * @param minCustomers fewer customers than this skip the fit (default 50)
 * @param enabled whether the job fits the models and writes customer_clv (default true)
 * @param refitEveryDays a fitted model younger than this many days predicts instead of a new fit
 *     (default 7; 0 fits on every run)
 */
public record ClvSettings(
    @JsonProperty("expected-purchases-weeks") Integer expectedPurchasesWeeks,
    @JsonProperty("horizon-months") Integer horizonMonths,
    @JsonProperty("discount-rate") Double discountRate,
    @JsonProperty("monthly-discount") MonthlyDiscount monthlyDiscount,
    @JsonProperty("churn-high-below") Double churnHighBelow,
    @JsonProperty("churn-medium-below") Double churnMediumBelow,
    @JsonProperty("min-customers") Integer minCustomers,
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("refit-every-days") Integer refitEveryDays) {

  public ClvSettings {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    expectedPurchasesWeeks = expectedPurchasesWeeks == null ? 52 : expectedPurchasesWeeks;
    if (expectedPurchasesWeeks < 1 || expectedPurchasesWeeks > 520) {
      throw invalid(
          "expected-purchases-weeks", expectedPurchasesWeeks, "must be between 1 and 520");
    }
    horizonMonths = horizonMonths == null ? 12 : horizonMonths;
    // Each month is one more hypergeometric series per customer; ten years is already speculative.
    if (horizonMonths < 1 || horizonMonths > 120) {
      throw invalid("horizon-months", horizonMonths, "must be between 1 and 120");
    }
    discountRate = discountRate == null ? 0.10 : discountRate;
    if (!(discountRate >= 0) || discountRate.isInfinite()) {
      throw invalid("discount-rate", number(discountRate), "must be >= 0");
    }
    monthlyDiscount = monthlyDiscount == null ? MonthlyDiscount.COMPOUND : monthlyDiscount;
    // Symmetric bands around the coin flip: "high" when the model gives at least 70% odds that the
    // customer has already dropped out, "low" when it gives at least 70% odds that they have not.
    churnHighBelow = churnHighBelow == null ? 0.3 : churnHighBelow;
    churnMediumBelow = churnMediumBelow == null ? 0.7 : churnMediumBelow;
    if (!(churnHighBelow >= 0 && churnHighBelow <= 1)) {
      throw invalid("churn-high-below", number(churnHighBelow), "must be between 0 and 1");
    }
    if (!(churnMediumBelow >= churnHighBelow && churnMediumBelow <= 1)) {
      throw invalid(
          "churn-medium-below",
          number(churnMediumBelow),
          "must be between clv.churn-high-below (" + number(churnHighBelow) + ") and 1");
    }
    // Below a few dozen customers the four BG/NBD parameters are barely identified: the optimum
    // mostly reflects the few histories at hand, and a wrong model is worse than none.
    minCustomers = minCustomers == null ? 50 : minCustomers;
    if (minCustomers < 2) {
      throw invalid("min-customers", minCustomers, "must be >= 2");
    }
    // The four BG/NBD and three Gamma-Gamma parameters describe the whole customer base, which one
    // day of orders barely moves; a weekly fit still follows seasons while most nights skip the
    // dozens of likelihood passes.
    refitEveryDays = refitEveryDays == null ? 7 : refitEveryDays;
    if (refitEveryDays < 0 || refitEveryDays > 366) {
      throw invalid("refit-every-days", refitEveryDays, "must be between 0 and 366");
    }
  }

  /** Every setting at its default. */
  public static ClvSettings defaults() {
    return new ClvSettings(null, null, null, null, null, null, null, null, null);
  }

  /** The discount rate of one month under the chosen convention. */
  public double monthlyDiscountRate() {
    return monthlyDiscount.monthly(discountRate);
  }

  /** How an annual discount rate d becomes a monthly rate. */
  public enum MonthlyDiscount {
    /** (1 + d)^(1/12) - 1: twelve months discount exactly as one year at d. */
    COMPOUND,
    /** d / 12: the spreadsheet convention; twelve months discount slightly more than one year. */
    SIMPLE;

    double monthly(double annual) {
      return this == COMPOUND ? Math.pow(1 + annual, 1.0 / 12) - 1 : annual / 12;
    }

    @JsonCreator
    public static MonthlyDiscount of(String value) {
      for (MonthlyDiscount m : values()) {
        if (m.name().equalsIgnoreCase(value)) {
          return m;
        }
      }
      throw invalid("monthly-discount", value, "must be compound or simple");
    }

    @JsonValue
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static IllegalArgumentException invalid(String key, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid clv." + key + ": " + value + " (" + expected + ")");
  }

  /** -1 rather than -1.0, so messages echo what was written in the YAML file. */
  private static String number(double value) {
    return Double.isFinite(value)
        ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
        : String.valueOf(value);
  }
}
