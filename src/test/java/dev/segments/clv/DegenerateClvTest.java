package dev.segments.clv;

import static dev.segments.TestSpark.rows;
import static dev.segments.clv.ClvInputsTest.LINES;
import static dev.segments.clv.ClvInputsTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.segments.TestSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Data a model cannot be fitted to ends with a recorded status and null predictions. */
class DegenerateClvTest {
  private static final LocalDate AS_OF = LocalDate.of(2024, 3, 31);
  private static final String[] PREDICTIONS = {
    "p_alive", "expected_purchases", "expected_order_value", "clv", "churn_risk"
  };

  private static void assertNoPredictions(CustomerClv.Result result, long customers) {
    List<Row> table = result.customers().collectAsList();
    assertThat(table).hasSize((int) customers);
    for (Row row : table) {
      for (String column : PREDICTIONS) {
        assertThat(row.<Object>getAs(column)).as(column).isNull();
      }
    }
    Row model = result.model().toDataset(TestSpark.spark()).collectAsList().get(0);
    assertThat(model.schema()).isEqualTo(ClvModel.MODEL_SCHEMA);
    assertThat(model.<String>getAs("status")).isEqualTo(result.model().status());
    for (String parameter : new String[] {"r", "alpha", "a", "b", "p", "q", "gamma"}) {
      assertThat(model.<Object>getAs(parameter)).as(parameter).isNull();
    }
  }

  @Test
  void oneCustomer() {
    Dataset<Row> lines =
        rows(LINES, line("a", "2024-01-01", "10.00"), line("a", "2024-02-01", "12.00"));
    CustomerClv.Result result = CustomerClv.compute(ClvSettings.defaults(), lines, AS_OF);

    assertThat(result.model().status()).isEqualTo("skipped: fewer than 50 customers");
    assertThat(result.model().customers()).isEqualTo(1);
    assertThat(result.model().repeatBuyers()).isEqualTo(1);
    assertNoPredictions(result, 1);
  }

  @Test
  void noRepeatBuyers() {
    List<Object[]> values = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      values.add(line("c" + i, LocalDate.of(2024, 1, 1).plusDays(i).toString(), "9.99"));
    }
    CustomerClv.Result result =
        CustomerClv.compute(
            ClvSettings.defaults(), rows(LINES, values.toArray(new Object[0][])), AS_OF);

    assertThat(result.model().status()).isEqualTo("skipped: no repeat buyers");
    assertThat(result.model().customers()).isEqualTo(60);
    assertThat(result.model().repeatBuyers()).isZero();
    assertNoPredictions(result, 60);
  }

  @Test
  void threeCustomersWhateverTheOutcomeHaveNoNaN() {
    Dataset<Row> lines =
        rows(
            LINES,
            line("a", "2024-01-01", "10.00"),
            line("a", "2024-02-01", "12.00"),
            line("a", "2024-03-01", "11.00"),
            line("b", "2024-01-15", "40.00"),
            line("b", "2024-03-20", "35.00"),
            line("c", "2024-02-10", "5.00"));
    CustomerClv.Result result =
        CustomerClv.compute(new ClvSettings(null, null, null, null, null, null, 2, null, null), lines, AS_OF);

    ClvModel model = result.model();
    assertThat(model.status()).matches("fitted|failed to converge: .+");
    for (Double value :
        new Double[] {
          model.r(),
          model.alpha(),
          model.a(),
          model.b(),
          model.bgnbdLogLikelihood(),
          model.p(),
          model.q(),
          model.gamma(),
          model.ggLogLikelihood()
        }) {
      assertThat(value == null || Double.isFinite(value)).as(model.toString()).isTrue();
    }
    for (Row row : result.customers().collectAsList()) {
      for (String column :
          new String[] {"p_alive", "expected_purchases", "expected_order_value", "clv"}) {
        Double value = row.getAs(column);
        assertThat(value == null || Double.isFinite(value)).as(column + " " + row).isTrue();
      }
    }
  }

  @Test
  void onlyReturns() {
    Dataset<Row> lines =
        rows(LINES, line("a", "2024-01-01", "-10.00"), line("b", "2024-02-01", "-12.00"));
    CustomerClv.Result result =
        CustomerClv.compute(new ClvSettings(null, null, null, null, null, null, 2, null, null), lines, AS_OF);

    assertThat(result.model().status()).isEqualTo("skipped: fewer than 2 customers");
    assertThat(result.model().customers()).isZero();
    assertNoPredictions(result, 0);
  }
}
