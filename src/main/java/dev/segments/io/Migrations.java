package dev.segments.io;

import static dev.segments.Columns.FITTED_AS_OF;
import static dev.segments.Columns.STATUS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The deliberate changes of the output tables' columns ({@link RunLog#OUTPUT_SCHEMA}), made at the
 * first run of the release that brings them, before anything else is written. Each looks at the
 * table itself, not at the runs rows, so it is done exactly once even when the run that made it
 * fails afterwards (the repair of the next run may restore the table to its published version, and
 * the change is then made again). Rows written before a change read null in the new column.
 */
public final class Migrations {
  private Migrations() {}

  /** Brings the warehouse's tables to this release's columns; the changes made, in order. */
  public static List<String> apply(Warehouse warehouse) {
    List<String> made = new ArrayList<>();
    // Output schema 2: the date a CLV model was fitted on, which a later date may reuse.
    if (addColumn(warehouse, Tables.CLV_MODELS, FITTED_AS_OF + " DATE AFTER " + STATUS, FITTED_AS_OF)) {
      made.add(Tables.CLV_MODELS + "." + FITTED_AS_OF);
    }
    return made;
  }

  private static boolean addColumn(Warehouse warehouse, String table, String definition, String column) {
    if (!warehouse.exists(table)
        || Arrays.asList(warehouse.read(table).schema().fieldNames()).contains(column)) {
      return false;
    }
    warehouse
        .spark()
        .sql("ALTER TABLE delta.`" + warehouse.path(table).replace("`", "``") + "` ADD COLUMNS (" + definition + ")");
    return true;
  }
}
