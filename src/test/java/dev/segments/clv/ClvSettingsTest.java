package dev.segments.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.segments.clv.ClvSettings.MonthlyDiscount;
import org.junit.jupiter.api.Test;

class ClvSettingsTest {
  @Test
  void defaults() {
    ClvSettings s = ClvSettings.defaults();
    assertThat(s.expectedPurchasesWeeks()).isEqualTo(52);
    assertThat(s.horizonMonths()).isEqualTo(12);
    assertThat(s.discountRate()).isEqualTo(0.10);
    assertThat(s.monthlyDiscount()).isEqualTo(MonthlyDiscount.COMPOUND);
    assertThat(s.churnHighBelow()).isEqualTo(0.3);
    assertThat(s.churnMediumBelow()).isEqualTo(0.7);
    assertThat(s.minCustomers()).isEqualTo(50);
    assertThat(s.refitEveryDays()).isEqualTo(7);
  }

  @Test
  void compoundMonthlyRateDiscountsTwelveMonthsAsOneYear() {
    double monthly = ClvSettings.defaults().monthlyDiscountRate();
    assertThat(Math.pow(1 + monthly, 12)).isCloseTo(1.10, within(1e-12));
    ClvSettings simple =
        new ClvSettings(null, null, 0.12, MonthlyDiscount.of("simple"), null, null, null, null, null);
    assertThat(simple.monthlyDiscountRate()).isCloseTo(0.01, within(1e-15));
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    assertThatThrownBy(() -> new ClvSettings(null, null, -1.0, null, null, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid clv.discount-rate: -1 (must be >= 0)");
    assertThatThrownBy(() -> new ClvSettings(null, null, Double.NaN, null, null, null, null, null, null))
        .hasMessage("Invalid clv.discount-rate: NaN (must be >= 0)");
    assertThatThrownBy(() -> new ClvSettings(0, null, null, null, null, null, null, null, null))
        .hasMessage("Invalid clv.expected-purchases-weeks: 0 (must be between 1 and 520)");
    assertThatThrownBy(() -> new ClvSettings(null, 121, null, null, null, null, null, null, null))
        .hasMessage("Invalid clv.horizon-months: 121 (must be between 1 and 120)");
    assertThatThrownBy(() -> new ClvSettings(null, null, null, null, 1.5, null, null, null, null))
        .hasMessage("Invalid clv.churn-high-below: 1.5 (must be between 0 and 1)");
    assertThatThrownBy(() -> new ClvSettings(null, null, null, null, 0.5, 0.4, null, null, null))
        .hasMessage(
            "Invalid clv.churn-medium-below: 0.4 (must be between clv.churn-high-below (0.5) and"
                + " 1)");
    assertThatThrownBy(() -> new ClvSettings(null, null, null, null, null, null, 1, null, null))
        .hasMessage("Invalid clv.min-customers: 1 (must be >= 2)");
    assertThatThrownBy(() -> new ClvSettings(null, null, null, null, null, null, null, null, -1))
        .hasMessage("Invalid clv.refit-every-days: -1 (must be between 0 and 366)");
    assertThatThrownBy(() -> MonthlyDiscount.of("continuous"))
        .hasMessage("Invalid clv.monthly-discount: continuous (must be compound or simple)");
  }
}
