package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void percentile_nearestRank_onOneToHundred() {
    long[] v = new long[100];
    for (int i = 0; i < 100; i++) {
      v[i] = 100 - i; // unsorted on purpose
    }
    Percentiles p = Percentiles.of(v);
    assertThat(p.percentile(50)).isEqualTo(50);
    assertThat(p.percentile(99)).isEqualTo(99);
    assertThat(p.percentile(100)).isEqualTo(100);
    assertThat(p.min()).isEqualTo(1);
    assertThat(p.max()).isEqualTo(100);
    assertThat(p.mean()).isEqualTo(50.5);
  }

  @Test
  void percentile_smallSample_roundsRankUp() {
    Percentiles p = Percentiles.of(new long[] {10, 20, 30, 40});
    assertThat(p.percentile(25)).isEqualTo(10);
    assertThat(p.percentile(26)).isEqualTo(20);
    assertThat(p.percentile(99)).isEqualTo(40);
  }

  @Test
  void of_copiesInput() {
    long[] v = {3, 1, 2};
    Percentiles p = Percentiles.of(v);
    v[0] = 100;
    assertThat(p.max()).isEqualTo(3);
  }

  @Test
  void percentile_emptyOrOutOfRange_throws() {
    assertThatThrownBy(() -> Percentiles.of(new long[0]).percentile(50)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Percentiles.of(new long[] {1}).percentile(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> Percentiles.of(new long[] {1}).percentile(101)).hasMessageContaining("101");
  }
}
