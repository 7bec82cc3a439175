package dev.segments;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table's rows as sorted text, for comparing two warehouses: the run id (different on every run)
 * and any named columns left out, doubles to 9 significant digits (sums in another order differ in
 * the last bits).
 */
public final class TableDump {
  private TableDump() {}

  public static List<String> rows(Path warehouse, String table, String... without) {
    return rowsWhere(warehouse, table, "true", without);
  }

  /** The rows matching a SQL condition, e.g. {@code as_of = '2024-03-01'}. */
  public static List<String> rowsWhere(Path warehouse, String table, String condition, String... without) {
    Dataset<Row> data =
        TestSpark.spark().read().format("delta").load(warehouse.resolve(table).toString()).where(condition);
    List<String> drop = new ArrayList<>(Arrays.asList(without));
    drop.add(Columns.RUN_ID);
    List<Column> kept = new ArrayList<>();
    for (String name : data.columns()) {
      if (!drop.contains(name)) {
        kept.add(data.col(name));
      }
    }
    List<String> out = new ArrayList<>();
    for (Row r : data.select(kept.toArray(Column[]::new)).collectAsList()) {
      out.add(table + ":" + canonical(r));
    }
    Collections.sort(out);
    return out;
  }

  public static String canonical(Row r) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      out.append(
          v instanceof Double d && !d.isNaN() && !d.isInfinite()
              ? new BigDecimal(d).round(new MathContext(9)).toPlainString()
              : v instanceof scala.collection.Seq<?> seq ? seq.mkString("[", ",", "]") : String.valueOf(v));
      out.append('|');
    }
    return out.toString();
  }
}
