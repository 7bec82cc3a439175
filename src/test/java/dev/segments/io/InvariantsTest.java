package dev.segments.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.segments.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Case 8 of hardening: what must hold in the tables is enforced at commit, not hoped for. */
class InvariantsTest {
  static final StructType SEGMENTS =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("r_score", DataTypes.IntegerType)
          .add("f_score", DataTypes.IntegerType)
          .add("frequency", DataTypes.LongType)
          .add("return_rate", DataTypes.DoubleType)
          .add("as_of", DataTypes.DateType)
          .add("run_id", DataTypes.StringType);

  static final Date MAY_1 = Date.valueOf("2024-05-01");

  @TempDir Path dir;

  private Dataset<Row> rows(Object[]... values) {
    return TestSpark.rows(SEGMENTS, values);
  }

  @Test
  void aScoreOutsideOneToFiveOrANegativeCountFailsTheCommitAndLeavesTheTableAsItWas() {
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    String table = Tables.CUSTOMER_SEGMENTS;
    // A customer with returns only has no scores: null must pass.
    // A refund larger than the purchases makes a return rate above 1: valid.
    warehouse.appendRun(
        table, rows(new Object[] {"c1", 5, 1, 3L, 2.5, MAY_1, "r1"}, new Object[] {"c2", null, null, 0L, null, MAY_1, "r1"}));
    long version = warehouse.version(table);

    for (Object[] bad :
        new Object[][] {
          {"c3", 7, 1, 1L, 0.0, MAY_1, "r2"},
          {"c3", 1, 0, 1L, 0.0, MAY_1, "r2"},
          {"c3", 1, 1, -1L, 0.0, MAY_1, "r2"},
          {"c3", 1, 1, 1L, -0.5, MAY_1, "r2"},
          {null, 1, 1, 1L, 0.0, MAY_1, "r2"}
        }) {
      assertThatThrownBy(() -> warehouse.appendRun(table, rows(new Object[] {"ok", 3, 3, 2L, 0.1, MAY_1, "r2"}, bad)))
          .satisfies(
              e -> assertThat(((SparkThrowable) rootSparkThrowable(e)).getCondition()).startsWith("DELTA_VIOLATE_CONSTRAINT"));
    }
    assertThat(warehouse.version(table)).isEqualTo(version);
    assertThat(warehouse.read(table).count()).isEqualTo(2);
  }

  @Test
  void aCustomerTwiceInARunsSliceIsCaughtBeforePublication() {
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    String table = Tables.CUSTOMER_SEGMENTS;
    warehouse.appendRun(table, rows(new Object[] {"c1", 5, 1, 3L, 0.0, MAY_1, "r1"}, new Object[] {"c2", 4, 2, 1L, 0.0, MAY_1, "r1"}));
    Invariants.onePerCustomer(warehouse, table, MAY_1, "r1");

    // The same customer in another run of the same date is a later run's slice, not a duplicate.
    warehouse.appendRun(
        table, rows(new Object[] {"c1", 5, 1, 3L, 0.0, MAY_1, "r2"}, new Object[] {"c1", 4, 2, 1L, 0.0, MAY_1, "r2"}));
    Invariants.onePerCustomer(warehouse, table, MAY_1, "r1");
    assertThatThrownBy(() -> Invariants.onePerCustomer(warehouse, table, MAY_1, "r2"))
        .isInstanceOf(Invariants.InvariantViolation.class)
        .hasMessage("Table customer_segments would hold customer c1 2 times for 2024-05-01 (one row per customer and date is an invariant)");
  }

  @Test
  void tablesWrittenWithoutConstraintsGetThemOnceWhenMaintainedOrWhenAnUnpublishedTableIsEmptied() {
    Warehouse warehouse = new Warehouse(TestSpark.spark(), dir.resolve("wh").toString());
    // Written as an older release did: plain Delta, no constraints.
    String older = Tables.CUSTOMER_FEATURES;
    rows(new Object[] {"c1", 5, 1, 3L, 0.0, MAY_1, "r1"}).write().format("delta").save(warehouse.path(older));
    long before = warehouse.version(older);
    Invariants.ensure(TestSpark.spark(), older, warehouse.path(older));
    long after = warehouse.version(older);
    assertThat(after).isEqualTo(before + 1);
    Invariants.ensure(TestSpark.spark(), older, warehouse.path(older));
    assertThat(warehouse.version(older)).as("a second ensure adds nothing").isEqualTo(after);
    assertThatThrownBy(() -> warehouse.append(older, rows(new Object[] {"c9", 9, 1, 3L, 0.0, MAY_1, "r1"})))
        .satisfies(e -> assertThat(rootSparkThrowable(e)).isNotNull());

    // A run killed between creating a table and constraining it: repair empties it and constrains it.
    String killed = Tables.CUSTOMER_SEGMENTS;
    rows(new Object[] {"c9", 9, 1, 3L, 0.0, MAY_1, "r1"}).write().format("delta").save(warehouse.path(killed));
    warehouse.rollBackTo(killed, -1);
    assertThat(warehouse.read(killed).count()).isZero();
    assertThatThrownBy(() -> warehouse.append(killed, rows(new Object[] {"c9", 9, 1, 3L, 0.0, MAY_1, "r2"})))
        .satisfies(e -> assertThat(rootSparkThrowable(e)).isNotNull());
  }

  private static Throwable rootSparkThrowable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable s && s.getCondition() != null && s.getCondition().startsWith("DELTA_VIOLATE")) {
        return t;
      }
    }
    return null;
  }
}
