package dev.segments.report;

import dev.segments.io.RunRecord;
import dev.segments.io.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a date's HTML report beside the tables, in {@code <warehouse>/_reports/}, from what the
 * tables publish: the run writes it after publishing, from the rows it has just written, and {@code
 * segments report} writes the same page again from the tables.
 */
public final class Report {
  /** The folder inside the warehouse; the underscore keeps it apart from the tables. */
  public static final String FOLDER = "_reports";

  private Report() {}

  /** Writes the report of a published date (the latest when null) and returns where. */
  public static String write(Warehouse warehouse, LocalDate asOf) {
    return write(warehouse, ReportData.publishedRun(warehouse, asOf));
  }

  public static String write(Warehouse warehouse, RunRecord run) {
    return write(warehouse, ReportData.load(warehouse, run));
  }

  /** Writes the report of {@code data}'s run into the warehouse's report folder and returns where. */
  public static String write(Warehouse warehouse, ReportData data) {
    String html = ReportPage.html(data, echarts());
    Path target = new Path(new Path(warehouse.location(), FOLDER), "segments-" + data.run().asOf() + ".html");
    // A file system of its own (not the shared cached one): a page opened from disk needs no checksum
    // file beside it, and the tables' writers keep theirs.
    try (FileSystem fs = FileSystem.newInstance(target.toUri(), warehouse.spark().sparkContext().hadoopConfiguration())) {
      fs.setWriteChecksum(false);
      // Written whole under a temporary name, then renamed: a reader never opens half a page.
      Path partial = new Path(target.getParent(), "." + target.getName() + ".tmp");
      try (OutputStream out = fs.create(partial, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(target, false);
      if (!fs.rename(partial, target)) {
        throw new IOException("cannot rename " + partial + " to " + target);
      }
      return "file".equals(target.toUri().getScheme()) ? target.toUri().getPath() : target.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report " + target, e);
    }
  }

  /** ECharts' browser build from its WebJar, found through the jar's own Maven metadata. */
  static String echarts() {
    try {
      Properties pom = new Properties();
      try (InputStream in = resource("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
        pom.load(in);
      }
      try (InputStream in = resource("META-INF/resources/webjars/echarts/" + pom.getProperty("version") + "/dist/echarts.min.js")) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Report.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException(name + " is not on the classpath (the org.webjars.npm:echarts jar is missing)");
    }
    return in;
  }
}
