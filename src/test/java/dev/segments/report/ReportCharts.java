package dev.segments.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The chart options a report page carries, read back from its JSON block. */
public final class ReportCharts {
  private ReportCharts() {}

  public static JsonNode of(Path html) throws IOException {
    Matcher m =
        Pattern.compile("<script type=\"application/json\" id=\"report-charts\">(.*?)</script>", Pattern.DOTALL)
            .matcher(Files.readString(html));
    if (!m.find()) {
      throw new AssertionError("no chart block in " + html);
    }
    return new ObjectMapper().readTree(m.group(1));
  }

  /** The sum of the values (third element of each [x, y, value] cell) of a heat map chart. */
  public static long heatmapTotal(JsonNode chart) {
    long total = 0;
    for (JsonNode cell : chart.get("series").get(0).get("data")) {
      total += cell.get(2).asLong();
    }
    return total;
  }
}
