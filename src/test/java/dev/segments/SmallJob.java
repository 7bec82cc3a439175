package dev.segments;

import java.util.ArrayList;
import java.util.List;

/**
 * The config of the small hand-made CSV fixtures (columns invoice, sku, qty, when, price, cust) that
 * the nightly, crash and cluster tests run: k fixed at 2 so that no k search costs time.
 */
public final class SmallJob {
  private SmallJob() {}

  public static final String HEADER = "invoice,sku,qty,when,price,cust";

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
                "  k: 2"));
    lines.addAll(List.of(extra));
    return String.join("\n", lines) + "\n";
  }
}
