package dev.segments.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segments.ExitCode;
import dev.segments.SegmentsException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String MINIMAL =
      "columns:\n  customer-id: cust\n  timestamp: ts\n  quantity: qty\n  unit-price: price\n";

  private static void rejects(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml))
        .isInstanceOf(SegmentsException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((SegmentsException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }

  @Test
  void aMinimalConfigTakesTheDocumentedDefaults() {
    SegmentsConfig cfg = ConfigLoader.parse(MINIMAL);
    assertThat(cfg.columns().timeZone()).isEqualTo("UTC");
    assertThat(cfg.clean().dedupe().mode()).isEqualTo(SegmentsConfig.DedupeMode.WHOLE_ROW);
    assertThat(cfg.clean().maxRejectRate()).isEqualTo(0.05);
    assertThat(cfg.segments().rfmMap()).isEqualTo(RfmRule.DEFAULT_MAP);
    assertThat(cfg.kmeans().k()).isEqualTo(4);
    assertThat(cfg.kmeans().seed()).isEqualTo(42L);
    assertThat(cfg.output().warehouse()).isEqualTo("./warehouse");
    assertThat(cfg.features().trendWindowDays()).isEqualTo(180);
    assertThat(cfg.run().asOf()).isNull();
  }

  @Test
  void readsEveryKeyOfTheExamples() {
    SegmentsConfig cfg =
        ConfigLoader.parse(
            MINIMAL
                + "clean:\n  dedupe:\n    mode: \"off\"\n  max-reject-rate: 0.3\n  blacklist: ['1']\n"
                + "run:\n  as-of: 2011-12-09\n");
    assertThat(cfg.clean().dedupe().mode()).isEqualTo(SegmentsConfig.DedupeMode.OFF);
    assertThat(cfg.clean().blacklist()).containsExactly("1");
    assertThat(cfg.run().asOf()).isEqualTo(LocalDate.of(2011, 12, 9));
  }

  @Test
  void unknownKeysAreRejectedByTheirPath() {
    rejects(
        MINIMAL + "clean:\n  max-reject-rat: 0.1\n",
        "Unknown config key: clean.max-reject-rat (known here: blacklist, dedupe, earliest-date, excluded-products, max-reject-rate)");
  }

  @Test
  void badValuesNameTheKey() {
    rejects(MINIMAL + "kmeans:\n  k: 1\n", "Invalid kmeans.k: 1 (must be >= 2)");
    rejects(MINIMAL + "clean:\n  max-reject-rate: 2\n", "Invalid clean.max-reject-rate: 2.0 (a share between 0 and 1)");
    rejects(
        "columns:\n  customer-id: c\n  timestamp: t\n  time-zone: Mars/Base\n  line-amount: a\n",
        "Invalid columns.time-zone: Mars/Base (a time-zone id such as UTC or Europe/London)");
    rejects(
        "columns:\n  customer-id: c\n  timestamp: t\n  unit-price: p\n  line-amount: a\n  quantity: q\n",
        "Invalid columns.unit-price: p (map exactly one of columns.unit-price and columns.line-amount)");
    rejects(MINIMAL + "kmeans:\n  k: many\n", "Invalid kmeans.k: Cannot deserialize value of type `java.lang.Integer` from String \"many\": not a valid `java.lang.Integer` value");
  }

  @Test
  void aBrokenRfmMapIsRejectedNamingTheCells() {
    String map =
        MINIMAL
            + "segments:\n  rfm-map:\n"
            + "    - {name: Low, r: 1-3, f: 1-5}\n"
            + "    - {name: High, r: 3-5, f: 2-5}\n";
    rejects(
        map,
        "Invalid segments.rfm-map: every score cell must fall in exactly one segment; not covered: R4F1 R5F1;"
            + " covered twice: R3F2 (Low, High) R3F3 (Low, High) R3F4 (Low, High) R3F5 (Low, High)");
  }

  @Test
  void theDefaultGridCoversEachCellOnce() {
    RfmRule.checkCoverage(RfmRule.DEFAULT_MAP);
  }
}
