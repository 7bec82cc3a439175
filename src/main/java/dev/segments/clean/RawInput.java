package dev.segments.clean;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Input rows exactly as delivered: every input column as a string, plus {@link #CORRUPT_RECORD}
 * holding the raw text of a row the parser could not split (null otherwise).
 *
 * @param columns the input's own columns, in file order
 * @param batchId a fingerprint of the input's content, the same for a re-delivered batch
 * @param batchIds the values {@link #BATCH} takes in {@code rows}; one for a single delivery
 */
public record RawInput(Dataset<Row> rows, List<String> columns, String batchId, List<String> batchIds) {
  /** Input of one batch: every row belongs to {@code batchId}. */
  public RawInput(Dataset<Row> rows, List<String> columns, String batchId) {
    this(rows, columns, batchId, List.of(batchId));
  }

  public static final String CORRUPT_RECORD = "_corrupt_record";
  /** The fingerprint of the file (or whole input) a row came from. */
  public static final String BATCH = "_batch_id";
}
