package dev.segments.clean;

import static dev.segments.TestSpark.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class EventTimestampTest {
  private static final StructType SCHEMA = new StructType().add("t", DataTypes.StringType);

  @Test
  void theFastPathReadsExactlyWhatThePatternReads() {
    String[] texts = {
      "2024-01-05 10:04:59", "  2024-12-31 23:59:59 ", "2024-02-29 00:00:00", "1999-07-01 12:00:00",
      "0001-01-01 00:00:00", "0000-01-01 00:00:00",
      // Each of these the pattern refuses, and so must the fast path.
      "2023-02-29 10:00:00", "2024-13-01 10:00:00", "2024-01-32 10:00:00", "2024-01-05 24:00:00",
      "2024-01-05 23:60:00", "2024-01-05 23:59:60", "2024-01-05T10:04:59", "2024-1-05 10:04:59",
      "2024-01-05 1:04:59", "2024-01-05 10:04:5", "2024-01-05 10:04:59.5", "2024-01-05 10:04:59Z",
      "+202-01-05 10:04:59", "-202-01-05 10:04:59", "2024-01-05  0:04:59", "2024-01-05 10:04:5a",
      "2024/01/05 10:04:59", "20240105 10:04:59Z", "2024-01-05", "10:04:59 2024-01-05", "", "   ",
      "2024-0a-05 10:04:59", "2024-01-05 10:04:+9", "12024-01-05 10:04:5",
      // Text the cast alone reads: a one-digit second with a zone or an empty fraction (the
      // separators at the pattern's places), a signed year, one-digit fields.
      "2024-01-05 10:04:5Z", "2024-01-05 10:04:5.", "+2024-1-05 10:04:59", "2024-01-05 1:04:5.1"
    };
    Object[][] data = new Object[texts.length + 1][];
    for (int i = 0; i < texts.length; i++) {
      data[i] = new Object[] {texts[i]};
    }
    data[texts.length] = new Object[] {null};
    List<Row> both =
        rows(SCHEMA, data)
            .select(
                col("t"),
                Cleaner.isoSeconds(trim(col("t"))).as("fast"),
                try_to_timestamp(trim(col("t")), lit(Cleaner.ISO_SECONDS)).as("pattern"))
            .collectAsList();

    assertThat(both).hasSize(texts.length + 1);
    int read = 0;
    for (Row r : both) {
      Timestamp fast = (Timestamp) r.get(1);
      Timestamp pattern = (Timestamp) r.get(2);
      assertThat(fast).as("'%s'", r.getString(0)).isEqualTo(pattern);
      if (pattern != null) {
        read++;
      }
    }
    // The six valid texts, and nothing else.
    assertThat(read).isEqualTo(6);
  }
}
