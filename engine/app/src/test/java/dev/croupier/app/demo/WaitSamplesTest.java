package dev.croupier.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitSamplesTest {

  @Test
  void percentiles_ofOneToHundredMillis_areNearestRank() {
    WaitSamples w = new WaitSamples(4);
    for (int ms = 100; ms >= 1; ms--) {
      w.add(ms * 1_000_000L);
    }

    assertThat(w.percentilesMillis(0.5, 0.99, 1.0)).containsExactly(50.0, 99.0, 100.0);
  }

  @Test
  void percentiles_withNoSamples_areNull() {
    assertThat(new WaitSamples(0).percentilesMillis(0.5)).containsExactly((Double) null);
  }
}
