package dev.segments.clean;

/**
 * Where every input row went: {@code input = clean + duplicates + quarantined}, checked on every run.
 * The reject rate is quarantined / (input - duplicates).
 */
public record Reconciliation(long input, long clean, long duplicates, long quarantined) {

  public boolean balanced() {
    return input == clean + duplicates + quarantined;
  }

  public double rejectRate() {
    long considered = input - duplicates;
    return considered == 0 ? 0.0 : (double) quarantined / considered;
  }
}
