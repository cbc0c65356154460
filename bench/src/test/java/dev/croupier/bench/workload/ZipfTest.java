package dev.croupier.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZipfTest {

  @Test
  void sizes_sumToTotal_largestFirst_atLeastOne() {
    long[] sizes = Zipf.sizes(100, 1.0, 200_000);
    assertThat(Arrays.stream(sizes).sum()).isEqualTo(200_000);
    assertThat(sizes).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(Arrays.stream(sizes).min().getAsLong()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void sizes_followTheLaw() {
    long[] sizes = Zipf.sizes(10, 1.0, 1_000_000);
    // With s = 1 the k-th is 1/k of the first.
    for (int k = 1; k < 10; k++) {
      assertThat((double) sizes[k] / sizes[0]).isCloseTo(1.0 / (k + 1), within(0.001));
    }
  }

  @Test
  void probabilities_sExponentZero_isUniform() {
    assertThat(Zipf.probabilities(4, 0)).containsExactly(new double[] {0.25, 0.25, 0.25, 0.25}, within(1e-12));
  }

  @Test
  void sizes_totalBelowN_throws() {
    assertThatThrownBy(() -> Zipf.sizes(10, 1, 5)).hasMessageContaining("5");
  }

  @Test
  void planWeights_areFromMenu_andReproducible() {
    double[] a = PlanWeights.draw(50, 7);
    assertThat(a).isEqualTo(PlanWeights.draw(50, 7));
    for (double w : a) {
      assertThat(PlanWeights.PLANS).contains(w);
    }
  }
}
