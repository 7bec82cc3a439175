package dev.segments;

import java.util.regex.Pattern;

/**
 * Keeps credentials out of what the job prints and records. Storage credentials belong in the
 * environment or the Spark/Hadoop configuration, never in the YAML config, but a path may still carry
 * them as a URI's user-info ({@code s3a://KEY:SECRET@bucket/...}); that part is masked wherever a path
 * reaches a message, a log line or the runs table.
 */
public final class Redact {
  private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

  private Redact() {}

  public static String secrets(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
  }
}
