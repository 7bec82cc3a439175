package dev.segments.config;

import dev.segments.clv.ClvSettings;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * The whole job configuration: one YAML file bound to this record tree. Absent sections and keys take
 * the documented defaults; invalid values are rejected here, naming the key.
 */
public record SegmentsConfig(
    @JsonProperty("input") Input input,
    @JsonProperty("columns") ColumnMapping columns,
    @JsonProperty("clean") Clean clean,
    @JsonProperty("features") Features features,
    @JsonProperty("segments") Segments segments,
    @JsonProperty("kmeans") KMeans kmeans,
    @JsonProperty("output") Output output,
    @JsonProperty("guard") Guard guard,
    @JsonProperty("clv") ClvSettings clv,
    @JsonProperty("run") Run run) {

  public SegmentsConfig {
    input = input == null ? new Input(null, null, null, null) : input;
    if (columns == null) {
      throw invalid("columns", "missing", "a column mapping with at least customer-id and timestamp");
    }
    clean = clean == null ? new Clean(null, null, null, null, null) : clean;
    features = features == null ? new Features(null, null) : features;
    segments = segments == null ? new Segments(null, null, null, null, null, null, null, null) : segments;
    kmeans = kmeans == null ? new KMeans(null, null, null, null, null, null, null, null, null, null) : kmeans;
    output = output == null ? new Output(null, null, null, null) : output;
    guard = guard == null ? new Guard(null, null, null) : guard;
    clv = clv == null ? ClvSettings.defaults() : clv;
    run = run == null ? new Run(null) : run;
  }

  public SegmentsConfig withInputPath(String path) {
    return new SegmentsConfig(
        new Input(path, input.format(), input.mode(), input.csv()), columns, clean, features, segments, kmeans,
        output, guard, clv, run);
  }

  public SegmentsConfig withWarehouse(String warehouse) {
    return new SegmentsConfig(
        input, columns, clean, features, segments, kmeans, new Output(warehouse, output.retentionDays(), output.report(), output.quarantineRetentionDays()), guard,
        clv, run);
  }

  public SegmentsConfig withAsOf(LocalDate asOf) {
    return new SegmentsConfig(input, columns, clean, features, segments, kmeans, output, guard, clv, new Run(asOf));
  }

  static IllegalArgumentException invalid(String key, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid " + key + ": " + value + " (" + expected + ")");
  }

  /** Where the transactions are: a file, a folder of files or a glob, and how to parse them. */
  public record Input(
      @JsonProperty("path") String path,
      @JsonProperty("format") InputFormat format,
      @JsonProperty("mode") InputMode mode,
      @JsonProperty("csv") Csv csv) {
    public Input {
      mode = mode == null ? InputMode.FULL : mode;
      csv = csv == null ? new Csv(null, null, null, null, null) : csv;
    }
  }

  /**
   * full: the input holds the whole history and each run recomputes from it. incremental: each file
   * of the input is a batch added once to the transactions table (by content fingerprint), and
   * per-customer state is updated from the new lines only.
   */
  public enum InputMode {
    FULL,
    INCREMENTAL;

    @JsonCreator
    public static InputMode parse(String value) {
      for (InputMode mode : values()) {
        if (mode.label().equals(value)) {
          return mode;
        }
      }
      throw invalid("input.mode", value, "one of full, incremental");
    }

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The file formats the reader understands; absent, the format follows the path's extension. */
  public enum InputFormat {
    CSV,
    PARQUET,
    JSON,
    DELTA;

    @JsonCreator
    public static InputFormat of(String value) {
      for (InputFormat f : values()) {
        if (f.name().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw invalid("input.format", value, "one of csv, parquet, json, delta");
    }

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** CSV dialect; the defaults read RFC 4180 files with a header line. */
  public record Csv(
      @JsonProperty("delimiter") String delimiter,
      @JsonProperty("header") Boolean header,
      @JsonProperty("encoding") String encoding,
      @JsonProperty("quote") String quote,
      @JsonProperty("escape") String escape) {
    public Csv {
      delimiter = delimiter == null ? "," : delimiter;
      header = header == null ? Boolean.TRUE : header;
      encoding = encoding == null ? "UTF-8" : encoding;
      quote = quote == null ? "\"" : quote;
      escape = escape == null ? "\"" : escape;
      if (!header) {
        throw invalid("input.csv.header", false, "files must start with a header line naming the columns");
      }
    }
  }

  /**
   * Which input column plays which role. Exactly one of unit-price (value = quantity x price) and
   * line-amount (value as given) is mapped.
   */
  public record ColumnMapping(
      @JsonProperty("customer-id") String customerId,
      @JsonProperty("order-id") String orderId,
      @JsonProperty("timestamp") String timestamp,
      @JsonProperty("timestamp-format") String timestampFormat,
      @JsonProperty("time-zone") String timeZone,
      @JsonProperty("quantity") String quantity,
      @JsonProperty("unit-price") String unitPrice,
      @JsonProperty("line-amount") String lineAmount,
      @JsonProperty("product-id") String productId) {
    public ColumnMapping {
      requireName("columns.customer-id", customerId);
      requireName("columns.timestamp", timestamp);
      timeZone = timeZone == null ? "UTC" : timeZone;
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        throw invalid("columns.time-zone", timeZone, "a time-zone id such as UTC or Europe/London");
      }
      if ((unitPrice == null) == (lineAmount == null)) {
        throw invalid(
            "columns.unit-price",
            unitPrice == null ? "missing" : unitPrice,
            "map exactly one of columns.unit-price and columns.line-amount");
      }
      if (unitPrice != null && quantity == null) {
        throw invalid("columns.quantity", "missing", "columns.unit-price needs a quantity column");
      }
    }

    public boolean hasOrderId() {
      return orderId != null;
    }

    public boolean pricedPerUnit() {
      return unitPrice != null;
    }

    /** The input columns the mapping refers to, in a fixed order. */
    public List<String> mappedColumns() {
      return java.util.stream.Stream.of(
              customerId, orderId, timestamp, quantity, unitPrice, lineAmount, productId)
          .filter(java.util.Objects::nonNull)
          .toList();
    }

    private static void requireName(String key, String value) {
      if (value == null || value.isBlank()) {
        throw invalid(key, "missing", "the name of an input column");
      }
    }
  }

  /**
   * Cleaning: duplicate removal, lists of excluded customers and products, the reject budget, and
   * the earliest plausible transaction date (older lines are quarantined; none when unset).
   */
  public record Clean(
      @JsonProperty("dedupe") Dedupe dedupe,
      @JsonProperty("max-reject-rate") Double maxRejectRate,
      @JsonProperty("blacklist") List<String> blacklist,
      @JsonProperty("excluded-products") List<String> excludedProducts,
      @JsonProperty("earliest-date") LocalDate earliestDate) {
    public Clean {
      dedupe = dedupe == null ? new Dedupe(null, null, null) : dedupe;
      maxRejectRate = maxRejectRate == null ? 0.05 : maxRejectRate;
      if (maxRejectRate.isNaN() || maxRejectRate < 0 || maxRejectRate > 1) {
        throw invalid("clean.max-reject-rate", maxRejectRate, "a share between 0 and 1");
      }
      blacklist = blacklist == null ? List.of() : List.copyOf(blacklist);
      excludedProducts = excludedProducts == null ? List.of() : List.copyOf(excludedProducts);
    }
  }

  /** How exact duplicates are found. */
  public record Dedupe(
      @JsonProperty("mode") DedupeMode mode,
      @JsonProperty("keys") List<String> keys,
      @JsonProperty("prefer-latest-by") String preferLatestBy) {
    public Dedupe {
      mode = mode == null ? DedupeMode.WHOLE_ROW : mode;
      keys = keys == null ? List.of() : List.copyOf(keys);
      if (mode == DedupeMode.KEYS && keys.isEmpty()) {
        throw invalid("clean.dedupe.keys", "[]", "mode keys needs at least one input column");
      }
      if (mode != DedupeMode.KEYS && (!keys.isEmpty() || preferLatestBy != null)) {
        throw invalid(
            "clean.dedupe.mode", mode.label(), "keys and prefer-latest-by apply to mode keys only");
      }
    }
  }

  /** off: keep every row; whole-row: drop rows identical in every column; keys: one row per key. */
  public enum DedupeMode {
    OFF,
    WHOLE_ROW,
    KEYS;

    @JsonCreator
    public static DedupeMode of(String value) {
      for (DedupeMode m : values()) {
        if (m.label().equalsIgnoreCase(value)) {
          return m;
        }
      }
      throw invalid("clean.dedupe.mode", value, "one of off, whole-row, keys");
    }

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Feature windows and the accuracy of the quantile sketch used to find score breakpoints. */
  public record Features(
      @JsonProperty("trend-window-days") Integer trendWindowDays,
      @JsonProperty("quantile-accuracy") Integer quantileAccuracy) {
    public Features {
      trendWindowDays = trendWindowDays == null ? 180 : trendWindowDays;
      if (trendWindowDays < 1) {
        throw invalid("features.trend-window-days", trendWindowDays, "must be >= 1");
      }
      quantileAccuracy = quantileAccuracy == null ? 10_000 : quantileAccuracy;
      if (quantileAccuracy < 100) {
        throw invalid("features.quantile-accuracy", quantileAccuracy, "must be >= 100");
      }
    }
  }

  /**
   * Rule-based segment families and their thresholds (the domain guide's defaults); the RFM map is
   * checked to cover every score cell once.
   */
  public record Segments(
      @JsonProperty("rfm-map") List<RfmRule> rfmMap,
      @JsonProperty("customer-class") CustomerClass customerClass,
      @JsonProperty("quadrant") Quadrant quadrant,
      @JsonProperty("loyalty") Loyalty loyalty,
      @JsonProperty("value-tiers") ValueTiers valueTiers,
      @JsonProperty("lifecycle") Lifecycle lifecycle,
      @JsonProperty("purchase-pattern") PurchasePattern purchasePattern,
      @JsonProperty("value-trend") ValueTrend valueTrend) {
    public Segments {
      rfmMap = rfmMap == null ? RfmRule.DEFAULT_MAP : List.copyOf(rfmMap);
      RfmRule.checkCoverage(rfmMap);
      customerClass = customerClass == null ? new CustomerClass(null, null, null) : customerClass;
      quadrant = quadrant == null ? new Quadrant(null, null) : quadrant;
      loyalty = loyalty == null ? new Loyalty(null, null, null, null, null, null, null, null) : loyalty;
      valueTiers = valueTiers == null ? new ValueTiers(null, null) : valueTiers;
      lifecycle = lifecycle == null ? new Lifecycle(null, null, null, null) : lifecycle;
      purchasePattern = purchasePattern == null ? new PurchasePattern(null) : purchasePattern;
      valueTrend = valueTrend == null ? new ValueTrend(null, null) : valueTrend;
    }
  }

  /**
   * Best if every dimension score >= best-min; Worst if every one <= worst-max; Potential if any >=
   * potential-min; else Average.
   */
  public record CustomerClass(
      @JsonProperty("best-min") Integer bestMin,
      @JsonProperty("worst-max") Integer worstMax,
      @JsonProperty("potential-min") Integer potentialMin) {
    public CustomerClass {
      bestMin = score("segments.customer-class.best-min", bestMin, 4);
      worstMax = score("segments.customer-class.worst-max", worstMax, 2);
      potentialMin = score("segments.customer-class.potential-min", potentialMin, 4);
    }
  }

  /** Profitable when monetary >= its profitability-percentile; loyal when (R + F) / 2 >= loyalty-min. */
  public record Quadrant(
      @JsonProperty("profitability-percentile") Double profitabilityPercentile,
      @JsonProperty("loyalty-min") Double loyaltyMin) {
    public Quadrant {
      profitabilityPercentile =
          percentile("segments.quadrant.profitability-percentile", profitabilityPercentile, 50.0);
      loyaltyMin = loyaltyMin == null ? 3.0 : loyaltyMin;
      if (loyaltyMin < 1 || loyaltyMin > 5) {
        throw invalid("segments.quadrant.loyalty-min", loyaltyMin, "a score between 1 and 5");
      }
    }
  }

  /** Loyalty classes: Lost, Loyal, Potential, Marginal, in that order. */
  public record Loyalty(
      @JsonProperty("lost-recency-days") Integer lostRecencyDays,
      @JsonProperty("lost-cycle-multiple") Double lostCycleMultiple,
      @JsonProperty("lost-min-recency-days") Integer lostMinRecencyDays,
      @JsonProperty("loyal-min-f") Integer loyalMinF,
      @JsonProperty("loyal-min-m") Integer loyalMinM,
      @JsonProperty("loyal-min-tenure-days") Integer loyalMinTenureDays,
      @JsonProperty("potential-max-tenure-days") Integer potentialMaxTenureDays,
      @JsonProperty("potential-min-f") Integer potentialMinF) {
    public Loyalty {
      lostRecencyDays = days("segments.loyalty.lost-recency-days", lostRecencyDays, 365);
      lostCycleMultiple = positive("segments.loyalty.lost-cycle-multiple", lostCycleMultiple, 3.0);
      lostMinRecencyDays = days("segments.loyalty.lost-min-recency-days", lostMinRecencyDays, 90);
      loyalMinF = score("segments.loyalty.loyal-min-f", loyalMinF, 4);
      loyalMinM = score("segments.loyalty.loyal-min-m", loyalMinM, 4);
      loyalMinTenureDays = days("segments.loyalty.loyal-min-tenure-days", loyalMinTenureDays, 180);
      potentialMaxTenureDays =
          days("segments.loyalty.potential-max-tenure-days", potentialMaxTenureDays, 180);
      potentialMinF = score("segments.loyalty.potential-min-f", potentialMinF, 3);
    }
  }

  /** High when monetary >= the high-percentile, Mid when >= the mid-percentile, else Low. */
  public record ValueTiers(
      @JsonProperty("high-percentile") Double highPercentile,
      @JsonProperty("mid-percentile") Double midPercentile) {
    public ValueTiers {
      highPercentile = percentile("segments.value-tiers.high-percentile", highPercentile, 80.0);
      midPercentile = percentile("segments.value-tiers.mid-percentile", midPercentile, 50.0);
      if (midPercentile > highPercentile) {
        throw invalid(
            "segments.value-tiers.mid-percentile", midPercentile, "must not exceed high-percentile");
      }
    }
  }

  /** Lifecycle: Churned, New, Lapsing, Growing (value trend Rising), Mature, in that order. */
  public record Lifecycle(
      @JsonProperty("churned-recency-days") Integer churnedRecencyDays,
      @JsonProperty("new-tenure-days") Integer newTenureDays,
      @JsonProperty("lapsing-cycle-multiple") Double lapsingCycleMultiple,
      @JsonProperty("lapsing-single-recency-days") Integer lapsingSingleRecencyDays) {
    public Lifecycle {
      churnedRecencyDays = days("segments.lifecycle.churned-recency-days", churnedRecencyDays, 365);
      newTenureDays = days("segments.lifecycle.new-tenure-days", newTenureDays, 90);
      lapsingCycleMultiple =
          positive("segments.lifecycle.lapsing-cycle-multiple", lapsingCycleMultiple, 2.0);
      lapsingSingleRecencyDays =
          days("segments.lifecycle.lapsing-single-recency-days", lapsingSingleRecencyDays, 180);
    }
  }

  /** One-time if frequency = 1; Frequent if F score >= frequent-min-f; else Occasional. */
  public record PurchasePattern(@JsonProperty("frequent-min-f") Integer frequentMinF) {
    public PurchasePattern {
      frequentMinF = score("segments.purchase-pattern.frequent-min-f", frequentMinF, 4);
    }
  }

  /**
   * Rising if recent > rising-ratio x prior (or prior <= 0 < recent); Declining if recent <
   * declining-ratio x prior; else Stable.
   */
  public record ValueTrend(
      @JsonProperty("rising-ratio") Double risingRatio,
      @JsonProperty("declining-ratio") Double decliningRatio) {
    public ValueTrend {
      risingRatio = positive("segments.value-trend.rising-ratio", risingRatio, 1.2);
      decliningRatio = positive("segments.value-trend.declining-ratio", decliningRatio, 0.8);
      if (decliningRatio > risingRatio) {
        throw invalid(
            "segments.value-trend.declining-ratio", decliningRatio, "must not exceed rising-ratio");
      }
    }
  }

  private static Integer score(String key, Integer value, int fallback) {
    int v = value == null ? fallback : value;
    if (v < 1 || v > 5) {
      throw invalid(key, v, "a score between 1 and 5");
    }
    return v;
  }

  private static Integer days(String key, Integer value, int fallback) {
    int v = value == null ? fallback : value;
    if (v < 0) {
      throw invalid(key, v, "a number of days >= 0");
    }
    return v;
  }

  private static Double positive(String key, Double value, double fallback) {
    double v = value == null ? fallback : value;
    if (!(v > 0) || Double.isInfinite(v)) {
      throw invalid(key, v, "a number > 0");
    }
    return v;
  }

  private static Double percentile(String key, Double value, double fallback) {
    double v = value == null ? fallback : value;
    if (!(v > 0 && v < 100)) {
      throw invalid(key, v, "a percentile between 0 and 100, exclusive");
    }
    return v;
  }

  /**
   * MLlib k-means beside the rules: k fixed, or the best silhouette over k-min..k-max; features from
   * {@link #FEATURES}; algorithm {@code kmeans} or {@code bisecting}.
   */
  public record KMeans(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("k") Integer k,
      @JsonProperty("k-min") Integer kMin,
      @JsonProperty("k-max") Integer kMax,
      @JsonProperty("algorithm") String algorithm,
      @JsonProperty("features") List<String> features,
      @JsonProperty("seed") Long seed,
      @JsonProperty("max-iter") Integer maxIter,
      @JsonProperty("selection-sample") Integer selectionSample,
      @JsonProperty("refit-every-days") Integer refitEveryDays) {
    public static final List<String> FEATURES =
        List.of(
            "recency", "log-frequency", "log-monetary", "frequency", "monetary", "avg-order-value",
            "return-rate", "tenure");

    public KMeans {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      if (k != null && (kMin != null || kMax != null)) {
        throw invalid("kmeans.k", k, "give either k or k-min and k-max, not both");
      }
      if (k == null && kMin == null && kMax == null) {
        k = 4;
      }
      if (k != null) {
        if (k < 2) {
          throw invalid("kmeans.k", k, "must be >= 2");
        }
        kMin = k;
        kMax = k;
      } else {
        kMin = kMin == null ? 2 : kMin;
        kMax = kMax == null ? 8 : kMax;
        if (kMin < 2) {
          throw invalid("kmeans.k-min", kMin, "must be >= 2");
        }
        if (kMax < kMin || kMax > 50) {
          throw invalid("kmeans.k-max", kMax, "must be between k-min and 50");
        }
      }
      algorithm = algorithm == null ? "kmeans" : algorithm;
      if (!algorithm.equals("kmeans") && !algorithm.equals("bisecting")) {
        throw invalid("kmeans.algorithm", algorithm, "kmeans or bisecting");
      }
      features =
          features == null ? List.of("recency", "log-frequency", "log-monetary") : List.copyOf(features);
      if (features.isEmpty()) {
        throw invalid("kmeans.features", "[]", "at least one of " + String.join(", ", FEATURES));
      }
      for (String feature : features) {
        if (!FEATURES.contains(feature)) {
          throw invalid("kmeans.features", feature, "one of " + String.join(", ", FEATURES));
        }
      }
      seed = seed == null ? 42L : seed;
      maxIter = maxIter == null ? 40 : maxIter;
      if (maxIter < 1) {
        throw invalid("kmeans.max-iter", maxIter, "must be >= 1");
      }
      selectionSample = selectionSample == null ? 50_000 : selectionSample;
      if (selectionSample < 100) {
        throw invalid("kmeans.selection-sample", selectionSample, "must be >= 100");
      }
      // A model is reused for this many days of as-of dates, so nightly runs assign customers to
      // stable clusters; 0 refits on every run.
      refitEveryDays = refitEveryDays == null ? 28 : refitEveryDays;
      if (refitEveryDays < 0) {
        throw invalid("kmeans.refit-every-days", refitEveryDays, "must be >= 0");
      }
    }

    /** The k of a fixed-k configuration. */
    public Integer k() {
      return kMin;
    }

    /** True when k is chosen by silhouette rather than fixed. */
    public boolean searchesK() {
      return !kMin.equals(kMax);
    }
  }

  /** Where the Delta tables go. */
  /**
   * Where the tables go, and how long old table versions stay readable (time travel) before
   * {@code maintain} may vacuum them.
   */
  public record Output(
      @JsonProperty("warehouse") String warehouse,
      @JsonProperty("retention-days") Integer retentionDays,
      @JsonProperty("report") Boolean report,
      @JsonProperty("quarantine-retention-days") Integer quarantineRetentionDays) {
    public Output {
      if (quarantineRetentionDays != null && quarantineRetentionDays < 1) {
        throw invalid("output.quarantine-retention-days", quarantineRetentionDays, "at least 1 (or leave it out to keep them)");
      }
      warehouse = warehouse == null ? "./warehouse" : warehouse;
      report = report == null ? Boolean.TRUE : report;
      retentionDays = retentionDays == null ? 7 : retentionDays;
      // Delta refuses to vacuum inside a week unless its safety check is switched off; we keep it on.
      if (retentionDays < 7) {
        throw invalid("output.retention-days", retentionDays, "at least 7");
      }
    }
  }

  /**
   * The data-quality guard: a run whose quarantine share or scored-customer count moves more than
   * these tolerances from the previous published run warns, or fails before any write.
   */
  public record Guard(
      @JsonProperty("max-quarantine-share-change") Double maxQuarantineShareChange,
      @JsonProperty("max-customers-change") Double maxCustomersChange,
      @JsonProperty("on-breach") String onBreach) {
    public Guard {
      maxQuarantineShareChange = maxQuarantineShareChange == null ? 0.05 : maxQuarantineShareChange;
      if (maxQuarantineShareChange.isNaN() || maxQuarantineShareChange < 0 || maxQuarantineShareChange > 1) {
        throw invalid("guard.max-quarantine-share-change", maxQuarantineShareChange, "a share between 0 and 1");
      }
      maxCustomersChange = maxCustomersChange == null ? 0.5 : maxCustomersChange;
      if (maxCustomersChange.isNaN() || maxCustomersChange < 0) {
        throw invalid("guard.max-customers-change", maxCustomersChange, "a relative change >= 0");
      }
      onBreach = onBreach == null ? "warn" : onBreach;
      if (!onBreach.equals("warn") && !onBreach.equals("fail")) {
        throw invalid("guard.on-breach", onBreach, "warn or fail");
      }
    }

    public boolean fails() {
      return onBreach.equals("fail");
    }
  }

  /** The as-of date; absent, the last transaction date in the input. */
  public record Run(@JsonProperty("as-of") LocalDate asOf) {}
}
