package dev.segments.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.io.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page on its own, in the browser: a date with nothing to score still opens with its one chart,
 * text from the data cannot break out of the page, and a chart that fails to draw is caught.
 */
class ReportPageTest {
  @TempDir Path dir;

  private static ReportData nothingScored(String input) {
    RunRecord run =
        new RunRecord(
            "run-1", LocalDate.of(2024, 3, 1), "succeeded", Instant.parse("2024-03-02T01:00:00Z"),
            Instant.parse("2024-03-02T01:01:00Z"), "full", input, "b", 1, 0, 3, 0, 0, 3, 0, 0, 0,
            "skipped: no scored customers", null, null, Map.of(), Map.of(), null, null, "h", null, null, List.of());
    return new ReportData(run, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void aDateWithoutScoredCustomersOpensWithItsRowCounts() throws Exception {
    ReportData data = nothingScored("/in/</script><script>alert(1)</script>.csv");
    Path html = Files.writeString(dir.resolve("empty.html"), ReportPage.html(data, Report.echarts()));
    HeadlessChromium.Page page = HeadlessChromium.open(html, dir.resolve("empty.png"));
    assertThat(page.errors()).as(page.dom()).isZero();
    assertThat(page.charts()).isEqualTo(1).isEqualTo(page.rendered());
    assertThat(ReportPage.chartIds(data)).containsExactly("reconciliation");
    assertThat(page.dom())
        .contains("3 input rows = 0 clean + 0 duplicates + 3 quarantined")
        .contains("Status: skipped: no scored customers.")
        .contains("&lt;/script&gt;&lt;script&gt;alert(1)");
  }

  @Test
  void aChartThatCannotBeDrawnIsReported() throws Exception {
    String broken =
        ReportPage.html(nothingScored("/in/x.csv"), Report.echarts()).replace("\"type\":\"bar\"", "\"type\":\"no-such-series\"");
    Path html = Files.writeString(dir.resolve("broken.html"), broken);
    HeadlessChromium.Page page = HeadlessChromium.open(html, dir.resolve("broken.png"));
    assertThat(page.errors() > 0 || page.rendered() < page.charts())
        .as("errors %d, drawn %d of %d", page.errors(), page.rendered(), page.charts())
        .isTrue();
  }
}
