package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class JainIndexTest {

  @Test
  void of_equalAllocations_isOne() {
    assertThat(JainIndex.of(new double[] {3, 3, 3, 3})).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void of_oneTakesAll_isOneOverN() {
    assertThat(JainIndex.of(new double[] {5, 0, 0, 0})).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void of_knownValue() {
    // (1+2+3)^2 / (3 * (1+4+9)) = 36 / 42
    assertThat(JainIndex.of(new double[] {1, 2, 3})).isCloseTo(36.0 / 42, within(1e-12));
  }

  @Test
  void weighted_proportionalToWeights_isOne() {
    double[] weights = {1, 2, 4, 8};
    double[] served = {10, 20, 40, 80};
    assertThat(JainIndex.weighted(served, weights)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void weighted_equalServiceDespiteWeights_isBelowOne() {
    double[] weights = {1, 1, 2};
    double[] served = {1, 1, 1};
    // x = share/weightShare = (1/3)/(1/4), (1/3)/(1/4), (1/3)/(1/2) = 4/3, 4/3, 2/3
    double expected = Math.pow(4.0 / 3 + 4.0 / 3 + 2.0 / 3, 2) / (3 * (16.0 / 9 + 16.0 / 9 + 4.0 / 9));
    assertThat(JainIndex.weighted(served, weights)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void of_rejectsNegativeAndEmpty() {
    assertThatThrownBy(() -> JainIndex.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JainIndex.of(new double[] {1, -1})).hasMessageContaining("-1");
    assertThatThrownBy(() -> JainIndex.of(new double[] {0, 0})).hasMessageContaining("zero");
  }
}
