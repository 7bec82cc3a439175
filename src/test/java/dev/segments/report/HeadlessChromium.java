package dev.segments.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's chromium, headless, opening a report from disk with no network: the DOM after the page's
 * scripts ran (virtual time lets every chart finish), the browser's console output, and a screenshot.
 * In CI (CI=true) a missing browser fails the test; elsewhere the test is skipped with the reason.
 */
public final class HeadlessChromium {
  private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

  /** What the browser made of a page. */
  public record Page(String dom, String console, int charts, int rendered, int errors) {}

  private HeadlessChromium() {}

  static Path binary() {
    for (String candidate : CANDIDATES) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    String why = "no Chromium at " + CANDIDATES + " (.ci/run installs Debian's chromium package)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why);
    }
    Assumptions.abort(why);
    return null;
  }

  /** Opens the page, checks that every chart drew without an error, and saves a screenshot. */
  public static Page open(Path html, Path screenshot) throws IOException, InterruptedException {
    Path chromium = binary();
    Path profile = Files.createTempDirectory("chromium-profile");
    try {
      return open(chromium, profile, html, screenshot);
    } finally {
      try (java.util.stream.Stream<Path> files = Files.walk(profile)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException leftBehind) {
        // A temporary folder the OS cleans up; not the test's outcome.
      }
    }
  }

  private static Page open(Path chromium, Path profile, Path html, Path screenshot) throws IOException, InterruptedException {
    List<String> common =
        List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=30000");
    List<String> dump = new ArrayList<>(common);
    dump.addAll(List.of("--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString()));
    String[] result = run(dump);
    String dom = result[0];
    Matcher body = Pattern.compile("<body data-errors=\"(\\d+)\" data-charts=\"(\\d+)\"(?: data-rendered=\"(\\d+)\")?").matcher(dom);
    if (!body.find()) {
      fail("the report's drawing script did not run; browser said:\n" + result[1]);
    }
    Page page =
        new Page(dom, result[1], Integer.parseInt(body.group(2)),
            body.group(3) == null ? 0 : Integer.parseInt(body.group(3)), Integer.parseInt(body.group(1)));
    Files.createDirectories(screenshot.getParent());
    List<String> shot = new ArrayList<>(common);
    shot.addAll(List.of("--window-size=1280,4000", "--screenshot=" + screenshot.toAbsolutePath(), html.toUri().toString()));
    run(shot);
    assertThat(screenshot).as("screenshot").isNotEmptyFile();
    // Surefire keeps this line in the test's output: where CI leaves the picture.
    System.out.println("report screenshot: " + screenshot.toAbsolutePath());
    return page;
  }

  /** Console lines the page produced at error level or as uncaught exceptions. */
  public static List<String> consoleErrors(Page page) {
    return page.console().lines()
        // Chromium logs every console level as INFO:CONSOLE; console.error calls are caught by the
        // page itself (data-errors), uncaught exceptions and failed loads show here.
        .filter(l -> l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
        .toList();
  }

  private static String[] run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        fail("chromium did not finish in 2 minutes: " + command);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("chromium exit code; stderr:\n" + stderr).isZero();
      return new String[] {Files.readString(out, StandardCharsets.UTF_8), stderr};
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
