package dev.segments.clean;

import java.util.Locale;

/** Why a row was quarantined, in the order checks are applied: the first that fails is the reason. */
public enum QuarantineReason {
  MALFORMED_ROW,
  MISSING_CUSTOMER,
  BAD_TIMESTAMP,
  BEFORE_EARLIEST_DATE,
  BAD_NUMBER,
  ZERO_QUANTITY,
  NEGATIVE_PRICE,
  AMOUNT_OUT_OF_RANGE,
  BLACKLISTED_CUSTOMER,
  EXCLUDED_PRODUCT;

  /** The code stored in the quarantine table. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
