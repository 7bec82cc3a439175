package dev.segments.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segments.io.RunRecord;
import dev.segments.segment.RuleFamilies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * The report as one HTML page: each chart is an ECharts option (JSON) drawn by the ECharts library
 * inlined into the page, so the file opens offline from disk. Pure: data in, text out.
 */
public final class ReportPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Families whose moves between dates are drawn; the others are in segment_transitions. */
  static final List<String> TRANSITION_CHARTS = List.of("rfm_segment", "value_tier", "cluster_name");

  private final StringBuilder body = new StringBuilder();
  private final ObjectNode charts = JSON.createObjectNode();

  private ReportPage() {}

  /** The page for a date's data, with the ECharts library's source inlined. */
  public static String html(ReportData data, String echartsSource) {
    ReportPage page = new ReportPage();
    page.build(data);
    return page.render(data.run(), echartsSource);
  }

  /** The ids of the charts a page holds, in order: what a browser must have drawn. */
  public static List<String> chartIds(ReportData data) {
    ReportPage page = new ReportPage();
    page.build(data);
    List<String> ids = new ArrayList<>();
    page.charts.fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  private void build(ReportData d) {
    RunRecord run = d.run();
    section("Where every input row went");
    paragraph(
        String.format(
            Locale.ROOT,
            "%,d input rows = %,d clean + %,d duplicates + %,d quarantined; %,d customers scored%s.",
            run.inputRows(), run.cleanRows(), run.duplicateRows(), run.quarantinedRows(), run.customersScored(),
            run.linesAfterAsOf() > 0 ? String.format(Locale.ROOT, ", %,d lines after the as-of date left out", run.linesAfterAsOf()) : ""));
    chart("reconciliation", reconciliation(d), 320);

    section("Segment sizes and revenue share");
    for (String family : RuleFamilies.FAMILIES) {
      List<Row> rows = d.summary().stream().filter(r -> family.equals(r.getAs("family"))).toList();
      if (!rows.isEmpty()) {
        chart("sizes-" + family, sizes(family, rows), 340);
      }
    }

    section("Recency × frequency");
    if (d.rfGrid().isEmpty()) {
      paragraph("No customer has scores on this date.");
    } else {
      chart("rf-customers", rfGrid(d.rfGrid(), "customers", "Customers per R × F cell"), 380);
      chart("rf-monetary", rfGrid(d.rfGrid(), "mean_monetary", "Mean monetary per R × F cell"), 380);
    }

    section("Pareto: revenue by share of customers");
    if (d.pareto().isEmpty()) {
      paragraph("No Pareto curve on this date.");
    } else {
      chart("pareto", pareto(d.pareto()), 380);
    }

    section("Clusters (k-means)");
    paragraph("Status: " + run.kmeansStatus() + ".");
    if (!d.selection().isEmpty()) {
      chart("silhouette", silhouette(d.selection()), 320);
    }
    if (!d.profiles().isEmpty()) {
      profilesTable(d.profiles());
      chart("profiles", profiles(d.profiles()), 340);
    }
    if (!d.comparison().isEmpty()) {
      section("Clusters against rule families");
      chart("agreement", agreement(d.comparison()), 340);
      Map<Integer, String> names = clusterNames(d.profiles());
      for (String family : RuleFamilies.FAMILIES) {
        List<Row> rows = d.comparison().stream().filter(r -> family.equals(r.getAs("family"))).toList();
        if (!rows.isEmpty()) {
          chart("crosstab-" + family, crossTab(family, rows, names), 60 + 34 * distinct(rows, "label").size() + 60);
        }
      }
    }

    section("Segment transitions");
    if (d.transitions().isEmpty()) {
      paragraph("No earlier published date: transitions start with the next date.");
    } else {
      paragraph("From " + d.transitions().get(0).getAs("previous_as_of") + " to " + run.asOf() + ".");
      for (String family : TRANSITION_CHARTS) {
        List<Row> rows = d.transitions().stream().filter(r -> family.equals(r.getAs("family"))).toList();
        if (!rows.isEmpty()) {
          chart("transitions-" + family, transitions(family, rows), 80 + 34 * distinct(rows, "from_label").size() + 80);
        }
      }
    }
  }

  private ObjectNode reconciliation(ReportData d) {
    RunRecord run = d.run();
    ObjectNode o = base("Rows of the run");
    List<String> names = new ArrayList<>(List.of("input", "clean", "duplicates", "quarantined"));
    List<Number> values = new ArrayList<>(List.of(run.inputRows(), run.cleanRows(), run.duplicateRows(), run.quarantinedRows()));
    for (Row r : d.quarantineReasons()) {
      names.add("quarantined: " + r.getAs("reason"));
      values.add(r.<Long>getAs("rows"));
    }
    o.set("yAxis", category(names).put("inverse", true));
    o.set("xAxis", JSON.createObjectNode().put("type", "value"));
    o.set("series", JSON.createArrayNode().add(bar("rows", values)));
    o.set("grid", JSON.createObjectNode().put("containLabel", true).put("left", 10).put("right", 30));
    return o;
  }

  private ObjectNode sizes(String family, List<Row> rows) {
    ObjectNode o = base(family + ": customers and share of net revenue");
    List<String> labels = rows.stream().map(r -> r.<String>getAs("label")).toList();
    o.set("xAxis", category(labels).set("axisLabel", JSON.createObjectNode().put("rotate", 25).put("interval", 0)));
    ArrayNode y = JSON.createArrayNode();
    y.add(JSON.createObjectNode().put("type", "value").put("name", "customers"));
    y.add(JSON.createObjectNode().put("type", "value").put("name", "% of revenue"));
    o.set("yAxis", y);
    o.set("legend", JSON.createObjectNode().put("top", 24));
    ArrayNode series = JSON.createArrayNode();
    series.add(bar("customers", rows.stream().map(r -> (Number) r.<Long>getAs("customers")).toList()));
    series.add(
        bar("% of revenue", rows.stream().map(r -> percent((Double) r.getAs("revenue_share"))).toList()).put("yAxisIndex", 1));
    o.set("series", series);
    o.set("grid", JSON.createObjectNode().put("containLabel", true).put("top", 70).put("bottom", 10));
    return o;
  }

  private ObjectNode rfGrid(List<Row> cells, String measure, String title) {
    ObjectNode o = base(title);
    o.set("xAxis", category(List.of("1", "2", "3", "4", "5")).put("name", "F score"));
    o.set("yAxis", category(List.of("1", "2", "3", "4", "5")).put("name", "R score"));
    ArrayNode data = JSON.createArrayNode();
    double max = 0;
    for (Row r : cells) {
      double v = ((Number) r.getAs(measure)).doubleValue();
      max = Math.max(max, v);
      data.add(JSON.createArrayNode().add(r.<Integer>getAs("f_score") - 1).add(r.<Integer>getAs("r_score") - 1).add(round(v)));
    }
    o.set("visualMap", JSON.createObjectNode().put("min", 0).put("max", round(max)).put("calculable", true)
        .put("orient", "vertical").put("right", 0).put("top", "middle"));
    ObjectNode series = JSON.createObjectNode().put("type", "heatmap").put("name", measure);
    series.set("data", data);
    series.set("label", JSON.createObjectNode().put("show", true));
    o.set("series", JSON.createArrayNode().add(series));
    o.set("grid", JSON.createObjectNode().put("left", 60).put("right", 110));
    return o;
  }

  private ObjectNode pareto(List<Row> curve) {
    Row top20 = curve.stream().filter(r -> r.<Integer>getAs("top_percent") == 20).findFirst().orElse(null);
    String share =
        top20 == null || top20.getAs("revenue_share") == null
            ? ""
            : String.format(Locale.ROOT, ": the top 20%% bring %.1f%% of net revenue", 100 * (Double) top20.getAs("revenue_share"));
    ObjectNode o = base("Share of net revenue by top share of customers" + share);
    o.set("xAxis", JSON.createObjectNode().put("type", "value").put("name", "% of customers").put("min", 0).put("max", 100));
    o.set("yAxis", JSON.createObjectNode().put("type", "value").put("name", "% of revenue"));
    ArrayNode data = JSON.createArrayNode().add(JSON.createArrayNode().add(0).add(0));
    for (Row r : curve) {
      if (r.getAs("revenue_share") != null) {
        data.add(JSON.createArrayNode().add(round(100 * (Double) r.getAs("customer_share"))).add(round(100 * (Double) r.getAs("revenue_share"))));
      }
    }
    ObjectNode line = JSON.createObjectNode().put("type", "line").put("name", "revenue share").put("showSymbol", false);
    line.set("data", data);
    ObjectNode mark = JSON.createObjectNode().put("symbol", "none");
    mark.set("data", JSON.createArrayNode().add(JSON.createObjectNode().put("xAxis", 20).put("name", "top 20%")));
    line.set("markLine", mark);
    o.set("series", JSON.createArrayNode().add(line));
    return o;
  }

  private ObjectNode silhouette(List<Row> selection) {
    ObjectNode o = base("Silhouette against k (the chosen k is marked)");
    o.set("xAxis", category(selection.stream().map(r -> String.valueOf((Object) r.getAs("k"))).toList()).put("name", "k"));
    o.set("yAxis", JSON.createObjectNode().put("type", "value").put("name", "silhouette"));
    ArrayNode data = JSON.createArrayNode();
    for (Row r : selection) {
      ObjectNode point = JSON.createObjectNode().put("value", round((Double) r.getAs("silhouette")));
      if (Boolean.TRUE.equals(r.getAs("chosen"))) {
        point.put("symbolSize", 16);
      }
      data.add(point);
    }
    ObjectNode line = JSON.createObjectNode().put("type", "line").put("name", "silhouette");
    line.set("data", data);
    o.set("series", JSON.createArrayNode().add(line));
    return o;
  }

  private void profilesTable(List<Row> profiles) {
    body.append("<table><thead><tr><th>cluster</th><th>name</th><th>customers</th><th>share</th>"
        + "<th>mean recency (days)</th><th>mean orders</th><th>mean net spend</th><th>revenue share</th><th>silhouette</th></tr></thead><tbody>");
    for (Row r : profiles) {
      body.append("<tr><td>").append(r.<Integer>getAs("cluster_id"))
          .append("</td><td>").append(escape(r.getAs("cluster_name")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%,d", r.<Long>getAs("customers")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.1f%%", 100 * (Double) r.getAs("share")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.1f", (Double) r.getAs("mean_recency_days")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", (Double) r.getAs("mean_frequency")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%,.2f", (Double) r.getAs("mean_monetary")))
          .append("</td><td>").append(r.getAs("revenue_share") == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * (Double) r.getAs("revenue_share")))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.3f", (Double) r.getAs("silhouette")))
          .append("</td></tr>");
    }
    body.append("</tbody></table>\n");
  }

  /** Three small panels side by side: recency in days, orders, net spend, per cluster. */
  private ObjectNode profiles(List<Row> profiles) {
    ObjectNode o = base("Cluster profiles in business units");
    List<String> names = profiles.stream().map(r -> r.<Integer>getAs("cluster_id") + " " + r.getAs("cluster_name")).toList();
    String[][] measures = {{"mean_recency_days", "days since last purchase"}, {"mean_frequency", "orders"}, {"mean_monetary", "net spend"}};
    ArrayNode grids = JSON.createArrayNode();
    ArrayNode xs = JSON.createArrayNode();
    ArrayNode ys = JSON.createArrayNode();
    ArrayNode series = JSON.createArrayNode();
    for (int i = 0; i < measures.length; i++) {
      grids.add(JSON.createObjectNode().put("left", (3 + 33 * i) + "%").put("width", "27%").put("top", 60).put("bottom", 60));
      xs.add(category(names).put("gridIndex", i).set("axisLabel", JSON.createObjectNode().put("rotate", 25).put("interval", 0)));
      ys.add(JSON.createObjectNode().put("type", "value").put("gridIndex", i).put("name", measures[i][1]));
      String measure = measures[i][0];
      series.add(
          bar(measures[i][1], profiles.stream().map(r -> (Number) round((Double) r.getAs(measure))).toList())
              .put("xAxisIndex", i).put("yAxisIndex", i));
    }
    o.set("grid", grids);
    o.set("xAxis", xs);
    o.set("yAxis", ys);
    o.set("series", series);
    return o;
  }

  private ObjectNode agreement(List<Row> comparison) {
    ObjectNode o = base("Agreement of clusters with each rule family (ARI, NMI)");
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (Row r : comparison) {
      scores.putIfAbsent(r.getAs("family"), new double[] {(Double) r.getAs("family_ari"), (Double) r.getAs("family_nmi")});
    }
    List<String> families = new ArrayList<>(scores.keySet());
    o.set("xAxis", category(families).set("axisLabel", JSON.createObjectNode().put("rotate", 20).put("interval", 0)));
    o.set("yAxis", JSON.createObjectNode().put("type", "value"));
    o.set("legend", JSON.createObjectNode().put("top", 24));
    ArrayNode series = JSON.createArrayNode();
    series.add(bar("ARI", families.stream().map(f -> (Number) round(scores.get(f)[0])).toList()));
    series.add(bar("NMI", families.stream().map(f -> (Number) round(scores.get(f)[1])).toList()));
    o.set("series", series);
    o.set("grid", JSON.createObjectNode().put("containLabel", true).put("top", 70).put("bottom", 10));
    return o;
  }

  private ObjectNode crossTab(String family, List<Row> rows, Map<Integer, String> names) {
    Row first = rows.get(0);
    ObjectNode o =
        base(String.format(Locale.ROOT, "%s × cluster: customers (ARI %.3f, NMI %.3f)", family,
            (Double) first.getAs("family_ari"), (Double) first.getAs("family_nmi")));
    java.util.function.Function<Row, String> cluster =
        r -> r.<Integer>getAs("cluster_id") + " " + names.getOrDefault(r.<Integer>getAs("cluster_id"), "");
    List<String> clusters =
        rows.stream().map(r -> r.<Integer>getAs("cluster_id")).distinct().sorted().map(c -> c + " " + names.getOrDefault(c, "")).toList();
    o.set("xAxis", category(clusters));
    return customersHeatmap(o, rows, clusters, cluster, distinct(rows, "label"), r -> r.getAs("label"));
  }

  private ObjectNode transitions(String family, List<Row> rows) {
    ObjectNode o = base(family + ": customers moving from the earlier date's label (rows) to this date's (columns)");
    List<String> to = distinct(rows, "to_label");
    o.set("xAxis", category(to).set("axisLabel", JSON.createObjectNode().put("rotate", 25).put("interval", 0)));
    return customersHeatmap(o, rows, to, r -> r.getAs("to_label"), distinct(rows, "from_label"), r -> r.getAs("from_label"));
  }

  /** A heat map of the rows' customer counts, placed by the row's x and y categories. */
  private static ObjectNode customersHeatmap(
      ObjectNode o,
      List<Row> rows,
      List<String> xs,
      java.util.function.Function<Row, String> x,
      List<String> ys,
      java.util.function.Function<Row, String> y) {
    o.set("yAxis", category(ys));
    ArrayNode data = JSON.createArrayNode();
    long max = 1;
    for (Row r : rows) {
      long n = r.<Long>getAs("customers");
      max = Math.max(max, n);
      data.add(JSON.createArrayNode().add(xs.indexOf(x.apply(r))).add(ys.indexOf(y.apply(r))).add(n));
    }
    o.set("visualMap", JSON.createObjectNode().put("min", 0).put("max", max).put("calculable", true)
        .put("orient", "vertical").put("right", 0).put("top", "middle"));
    ObjectNode series = JSON.createObjectNode().put("type", "heatmap").put("name", "customers");
    series.set("data", data);
    series.set("label", JSON.createObjectNode().put("show", true));
    o.set("series", JSON.createArrayNode().add(series));
    o.set("grid", JSON.createObjectNode().put("containLabel", true).put("top", 40).put("right", 110).put("bottom", 10));
    return o;
  }

  private static Map<Integer, String> clusterNames(List<Row> profiles) {
    Map<Integer, String> names = new LinkedHashMap<>();
    for (Row r : profiles) {
      names.put(r.getAs("cluster_id"), r.getAs("cluster_name"));
    }
    return names;
  }

  private static List<String> distinct(List<Row> rows, String column) {
    Set<String> seen = new LinkedHashSet<>();
    rows.forEach(r -> seen.add(r.getAs(column)));
    return new ArrayList<>(seen);
  }

  private static ObjectNode base(String title) {
    ObjectNode o = JSON.createObjectNode();
    // Drawn once, without animation: a report is read, not watched, and a browser test waits for it.
    o.put("animation", false);
    o.set("title", JSON.createObjectNode().put("text", title).set("textStyle", JSON.createObjectNode().put("fontSize", 14)));
    o.set("tooltip", JSON.createObjectNode().put("trigger", "item"));
    return o;
  }

  private static ObjectNode category(List<String> values) {
    ObjectNode axis = JSON.createObjectNode().put("type", "category");
    ArrayNode data = axis.putArray("data");
    values.forEach(data::add);
    return axis;
  }

  private static ObjectNode bar(String name, List<Number> values) {
    ObjectNode series = JSON.createObjectNode().put("type", "bar").put("name", name);
    ArrayNode data = series.putArray("data");
    values.forEach(v -> data.add(v == null ? null : JSON.getNodeFactory().numberNode(v.doubleValue())));
    return series;
  }

  private static Number percent(Double share) {
    return share == null ? null : round(100 * share);
  }

  /** Three decimals; null (drawn as a gap) for a value that is not a number, which JSON cannot carry. */
  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }

  private void section(String title) {
    body.append("<h2>").append(escape(title)).append("</h2>\n");
  }

  private void paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
  }

  private void chart(String id, ObjectNode option, int height) {
    charts.set(id, option);
    body.append("<div class=\"chart\" id=\"").append(id).append("\" style=\"height:").append(height).append("px\"></div>\n");
  }

  private String render(RunRecord run, String echartsSource) {
    String json;
    try {
      // Inside a script element "</" would end it; \u003c keeps the JSON valid and the page intact.
      json = JSON.writeValueAsString(charts).replace("<", "\\u003c");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String title = "Customer segments as of " + run.asOf();
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" + escape(title) + "</title>\n"
        + "<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1200px;color:#222}"
        + ".chart{width:100%;margin:8px 0 24px}table{border-collapse:collapse;margin:8px 0}"
        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
        + "h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}.meta{color:#666}</style>\n"
        + "<script>\n" + echartsSource.replace("</script", "<\\/script") + "\n</script>\n</head>\n<body>\n"
        + "<h1>" + escape(title) + "</h1>\n"
        + "<p class=\"meta\">Run " + escape(run.runId()) + ", mode " + escape(run.mode()) + ", input "
        + escape(run.input()) + ", finished " + run.finishedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".</p>\n"
        + body
        + "<pre id=\"report-errors\" hidden></pre>\n"
        + "<script type=\"application/json\" id=\"report-charts\">" + json + "</script>\n"
        + "<script>\n" + DRAW + "</script>\n</body></html>\n";
  }

  /**
   * Draws every chart as SVG and records the outcome on the body (data-charts, data-rendered,
   * data-errors), so that a headless browser can tell a drawn report from a broken one. ECharts
   * skips a series it cannot draw without an error, so a chart counts only with all its series.
   */
  private static final String DRAW =
      String.join(
          "\n",
          "(function () {",
          "  var errors = [];",
          "  var out = document.getElementById('report-errors');",
          "  function fail(message) { errors.push(String(message)); out.textContent = errors.join('\\n'); out.hidden = false;",
          "    document.body.setAttribute('data-errors', String(errors.length)); }",
          "  document.body.setAttribute('data-errors', '0');",
          "  window.addEventListener('error', function (e) { fail(e.message || ('cannot load ' + (e.target && e.target.src))); }, true);",
          "  var consoleError = console.error;",
          "  console.error = function () { fail(Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };",
          "  var specs = JSON.parse(document.getElementById('report-charts').textContent);",
          "  var ids = Object.keys(specs), rendered = 0;",
          "  document.body.setAttribute('data-charts', String(ids.length));",
          "  ids.forEach(function (id) {",
          "    var el = document.getElementById(id);",
          "    try {",
          "      var chart = echarts.init(el, null, {renderer: 'svg'});",
          "      chart.on('finished', function () {",
          "        if (el.getAttribute('data-rendered') !== 'true') {",
          "          var want = (specs[id].series || []).length, got = (chart.getOption().series || []).length;",
          "          if (got !== want) { fail(id + ': drew ' + got + ' of ' + want + ' series'); return; }",
          "          el.setAttribute('data-rendered', 'true');",
          "          document.body.setAttribute('data-rendered', String(++rendered));",
          "        }",
          "      });",
          "      chart.setOption(specs[id]);",
          "      window.addEventListener('resize', function () { chart.resize(); });",
          "    } catch (e) { fail(id + ': ' + e); }",
          "  });",
          "})();",
          "");

  static String escape(Object text) {
    return String.valueOf(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
