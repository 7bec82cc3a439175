package dev.segments;

/**
 * A failure the user can act on: its message is printed as one line, without a stack trace, and the
 * process exits with its code.
 */
public final class SegmentsException extends RuntimeException {
  private final ExitCode exitCode;

  private SegmentsException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static SegmentsException usage(String message) {
    return new SegmentsException(ExitCode.USAGE, message, null);
  }

  public static SegmentsException data(String message) {
    return new SegmentsException(ExitCode.DATA, message, null);
  }

  public static SegmentsException data(String message, Throwable cause) {
    return new SegmentsException(ExitCode.DATA, message, cause);
  }

  public static SegmentsException busy(String message) {
    return new SegmentsException(ExitCode.BUSY, message, null);
  }

  public static SegmentsException noInput(String message) {
    return new SegmentsException(ExitCode.NO_INPUT, message, null);
  }
}
