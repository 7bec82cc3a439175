package dev.segments.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AgreementTest {
  @Test
  void identicalPartitionsUnderOtherNamesAgreeFully() {
    Agreement.Table t = new Agreement.Table().add("a", "1", 3).add("b", "2", 2);
    assertThat(Agreement.adjustedRandIndex(t)).isEqualTo(1.0);
    assertThat(Agreement.normalizedMutualInformation(t)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void aSmallTableComputedByHand() {
    // Labels u = [a a a b b b], clusters v = [1 1 2 2 3 3]:
    //   a: 1->2, 2->1; b: 2->1, 3->2.
    // sum C(nij,2) = 1 + 0 + 0 + 1 = 2; rows C(3,2)*2 = 6; columns C(2,2)*3 = 3; C(6,2) = 15.
    // expected = 6 * 3 / 15 = 1.2; max = (6 + 3) / 2 = 4.5; ARI = (2 - 1.2) / (4.5 - 1.2) = 0.242424...
    Agreement.Table t =
        new Agreement.Table().add("a", "1", 2).add("a", "2", 1).add("b", "2", 1).add("b", "3", 2);
    assertThat(Agreement.adjustedRandIndex(t)).isCloseTo(0.8 / 3.3, within(1e-12));
    // MI = 2 * (2/6) ln(6*2/(3*2)) + 2 * (1/6) ln(6*1/(3*2)) = (2/3) ln 2;
    // H(u) = ln 2; H(v) = ln 3; NMI = MI / ((ln 2 + ln 3) / 2).
    double expected = (2.0 / 3 * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2);
    assertThat(Agreement.normalizedMutualInformation(t)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void independentLabellingsScoreNearZeroAndOneGroupAgainstManyIsZero() {
    // Each label spread evenly over both clusters: no information.
    Agreement.Table even =
        new Agreement.Table().add("a", "1", 5).add("a", "2", 5).add("b", "1", 5).add("b", "2", 5);
    assertThat(Agreement.normalizedMutualInformation(even)).isCloseTo(0.0, within(1e-12));
    // sum C(5,2)*4 = 40; rows 2*C(10,2) = 90; cols 90; C(20,2) = 190: ARI = (40 - 42.63) / (90 - 42.63).
    assertThat(Agreement.adjustedRandIndex(even)).isCloseTo((40 - 8100.0 / 190) / (90 - 8100.0 / 190), within(1e-12));
    Agreement.Table single = new Agreement.Table().add("a", "1", 2).add("a", "2", 3);
    assertThat(Agreement.adjustedRandIndex(single)).isEqualTo(0.0);
    assertThat(Agreement.normalizedMutualInformation(single)).isEqualTo(0.0);
  }
}
