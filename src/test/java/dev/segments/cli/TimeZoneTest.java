package dev.segments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 5 of hardening: the calendar day of a line is its local date in {@code columns.time-zone},
 * whatever zone the JVM runs in (the tests' JVM is UTC; a scheduler's host may not be).
 */
class TimeZoneTest {
  // Configured zone America/New_York: lines just before and after midnight, in the spring-forward
  // gap (02:30 does not exist on 2024-03-10) and in the repeated hour of 2024-11-03.
  static final String CSV =
      String.join(
          "\n",
          "invoice,sku,qty,when,price,cust",
          "1,A,1,2024-06-01 23:30,5.00,z1",
          "2,A,1,2024-06-02 00:30,7.00,z1",
          "3,A,1,2024-03-10 02:30,5.00,z2",
          "4,A,1,2024-11-03 01:30,9.00,z2",
          "5,A,1,2024-03-09 23:30,5.00,z3",
          "6,A,1,2024-11-03 00:30,3.00,z3",
          "7,A,1,2024-12-31 23:30,5.00,z4",
          "");

  @TempDir Path dir;

  @Test
  void underALosAngelesJvmAPinnedZoneGivesTheLocalCalendarDayAndTheFeaturesThatFollow() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), CSV);
    String text = EndToEndTest.config(input, 0.0).replace("columns:\n", "columns:\n  time-zone: America/New_York\n");
    Path cfg = Files.writeString(dir.resolve("job.yaml"), text);
    Path warehouse = dir.resolve("wh");

    // The host's zone as a scheduler's machine would have it, set in-process (the session is local,
    // so driver and tasks see it). Every other test runs the same code under UTC and expects the
    // same days, so the tables do not depend on the JVM's zone.
    TimeZone jvmZone = TimeZone.getDefault();
    CliRun run;
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
      run = CliRun.of("run", "--config", cfg.toString(), "--warehouse", warehouse.toString());
    } finally {
      TimeZone.setDefault(jvmZone);
    }
    assertThat(run.exitCode()).as(run.err()).isZero();

    // The documented day: the date as written, read in the configured zone.
    Map<String, String> expected = new TreeMap<>();
    for (String line : CSV.strip().lines().skip(1).toList()) {
      String[] f = line.split(",");
      expected.put(f[0], f[3].substring(0, 10));
    }
    Map<String, String> days =
        TestSpark.spark().read().format("delta").load(warehouse.resolve("transactions").toString()).collectAsList().stream()
            .collect(Collectors.toMap(r -> (String) r.getAs("order_id"), r -> r.getAs("event_date").toString(), (a, b) -> a, TreeMap::new));
    assertThat(days).isEqualTo(expected);

    // As of 2024-12-31, by hand: z1 last bought 2024-06-02 (212 days), z2 and z3 on 2024-11-03 (58), z4 that day.
    Map<String, String> features =
        TestSpark.spark().read().format("delta").load(warehouse.resolve("customer_features").toString()).collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> (String) r.getAs("customer_id"),
                    r -> r.getAs("recency_days") + " " + r.getAs("frequency") + " " + ((java.math.BigDecimal) r.getAs("monetary")).stripTrailingZeros().toPlainString(),
                    (a, b) -> a,
                    TreeMap::new));
    assertThat(features).isEqualTo(Map.of("z1", "212 2 12", "z2", "58 2 14", "z3", "58 2 8", "z4", "0 1 5"));
  }
}
