package dev.segments;

/** Process exit codes, following sysexits(3) where one fits. */
public enum ExitCode {
  OK(0),
  UNEXPECTED(1),
  USAGE(2),
  DATA(65),
  NO_INPUT(66),
  /** Another run holds the warehouse: try again later (sysexits EX_TEMPFAIL). */
  BUSY(75);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
