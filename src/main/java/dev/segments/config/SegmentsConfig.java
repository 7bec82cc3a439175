package dev.segments.config;

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
    @JsonProperty("run") Run run) {

  public SegmentsConfig {
    input = input == null ? new Input(null, null, null) : input;
    if (columns == null) {
      throw invalid("columns", "missing", "a column mapping with at least customer-id and timestamp");
    }
    clean = clean == null ? new Clean(null, null, null, null) : clean;
    features = features == null ? new Features(null, null) : features;
    segments = segments == null ? new Segments(null) : segments;
    kmeans = kmeans == null ? new KMeans(null, null, null, null) : kmeans;
    output = output == null ? new Output(null) : output;
    run = run == null ? new Run(null) : run;
  }

  public SegmentsConfig withInputPath(String path) {
    return new SegmentsConfig(
        new Input(path, input.format(), input.csv()), columns, clean, features, segments, kmeans, output, run);
  }

  public SegmentsConfig withWarehouse(String warehouse) {
    return new SegmentsConfig(
        input, columns, clean, features, segments, kmeans, new Output(warehouse), run);
  }

  public SegmentsConfig withAsOf(LocalDate asOf) {
    return new SegmentsConfig(input, columns, clean, features, segments, kmeans, output, new Run(asOf));
  }

  static IllegalArgumentException invalid(String key, Object value, String expected) {
    return new IllegalArgumentException(
        "Invalid " + key + ": " + value + " (" + expected + ")");
  }

  /** Where the transactions are: a file, a folder of files or a glob, and how to parse them. */
  public record Input(
      @JsonProperty("path") String path,
      @JsonProperty("format") InputFormat format,
      @JsonProperty("csv") Csv csv) {
    public Input {
      csv = csv == null ? new Csv(null, null, null, null, null) : csv;
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

  /** Cleaning: duplicate removal, lists of excluded customers and products, the reject budget. */
  public record Clean(
      @JsonProperty("dedupe") Dedupe dedupe,
      @JsonProperty("max-reject-rate") Double maxRejectRate,
      @JsonProperty("blacklist") List<String> blacklist,
      @JsonProperty("excluded-products") List<String> excludedProducts) {
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

  /** Rule-based segment families; the RFM map is checked to cover every score cell once. */
  public record Segments(@JsonProperty("rfm-map") List<RfmRule> rfmMap) {
    public Segments {
      rfmMap = rfmMap == null ? RfmRule.DEFAULT_MAP : List.copyOf(rfmMap);
      RfmRule.checkCoverage(rfmMap);
    }
  }

  /** MLlib k-means beside the rules. */
  public record KMeans(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("k") Integer k,
      @JsonProperty("seed") Long seed,
      @JsonProperty("max-iter") Integer maxIter) {
    public KMeans {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      k = k == null ? 4 : k;
      if (k < 2) {
        throw invalid("kmeans.k", k, "must be >= 2");
      }
      seed = seed == null ? 42L : seed;
      maxIter = maxIter == null ? 40 : maxIter;
      if (maxIter < 1) {
        throw invalid("kmeans.max-iter", maxIter, "must be >= 1");
      }
    }
  }

  /** Where the Delta tables go. */
  public record Output(@JsonProperty("warehouse") String warehouse) {
    public Output {
      warehouse = warehouse == null ? "./warehouse" : warehouse;
    }
  }

  /** The as-of date; absent, the last transaction date in the input. */
  public record Run(@JsonProperty("as-of") LocalDate asOf) {}
}
