package dev.segments;

import java.util.ArrayList;
import java.util.List;

/**
 * The config of the small hand-made CSV fixtures (columns invoice, sku, qty, when, price, cust) that
 * the nightly, crash and cluster tests run: k fixed at 2 so that no k search costs time, no report.
 */
public final class SmallJob {
  private SmallJob() {}

  public static final String HEADER = "invoice,sku,qty,when,price,cust";

  /** Day 1: three customers, four lines. */
  public static final String DAY1 =
      String.join(
          "\n",
          HEADER,
          "1,A,2,2024-03-01 09:00,5.00,c1",
          "1,B,1,2024-03-01 09:00,3.00,c1",
          "2,A,1,2024-03-01 10:00,100,c2",
          "3,C,3,2024-03-01 12:00,1.00,c3",
          "",
          "");
  /** Day 2: a new order of c1, a return of c3, a new customer c4 and a line without a customer. */
  public static final String DAY2 =
      String.join(
          "\n",
          HEADER,
          "4,B,1,2024-03-02 10:00,20.00,c1",
          "C5,C,-1,2024-03-02 12:00,1.00,c3",
          "6,A,4,2024-03-02 12:00,7.00,c4",
          "7,A,1,2024-03-02 12:00,7.00,",
          "");

  /** The YAML for an input folder in a mode (full or incremental), with extra lines appended. */
  public static String yaml(java.nio.file.Path input, String mode, String... extra) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "input:",
                "  path: " + input,
                "  format: csv",
                "  mode: " + mode,
                "columns:",
                "  customer-id: cust",
                "  order-id: invoice",
                "  timestamp: when",
                "  timestamp-format: yyyy-MM-dd HH:mm",
                "  quantity: qty",
                "  unit-price: price",
                "  product-id: sku",
                "clean:",
                "  max-reject-rate: 0.5",
                "kmeans:",
                "  k: 2",
                // The report is tested by the demo and report tests; these runs are about the tables.
                "output:",
                "  report: false"));
    lines.addAll(List.of(extra));
    return String.join("\n", lines) + "\n";
  }
}
