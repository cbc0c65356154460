package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceSharesTest {

  @Test
  void window_servedInProportionToWeights_isPerfectlyFair() {
    // Tenant 0 (weight 1) runs 1 job per 3 time units, tenant 1 (weight 2) 2 jobs: 1/3 vs 2/3.
    List<Execution> runs = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      long t = k * 3L;
      runs.add(new Execution(0, 0, t, t + 1));
      runs.add(new Execution(1, 0, t + 1, t + 2));
      runs.add(new Execution(1, 0, t + 2, t + 3));
    }
    ServiceShares shares = new ServiceShares(runs, new double[] {1, 2}, new long[] {100, 100});
    ServiceShares.Window w = shares.window(0, 90);
    assertThat(w.tenants()).containsExactly(0, 1);
    assertThat(w.servedShare()).containsExactly(new double[] {1.0 / 3, 2.0 / 3}, within(1e-9));
    assertThat(w.jain()).isCloseTo(1.0, within(1e-9));
    assertThat(w.maxRelativeError()).isCloseTo(0, within(1e-9));
  }

  @Test
  void window_drainedTenant_isLeftOut() {
    // Tenant 1 has 2 jobs in all, both started by time 2: it is not backlogged through [0, 10).
    List<Execution> runs = List.of(
        new Execution(0, 0, 0, 5), new Execution(1, 0, 0, 1), new Execution(1, 0, 1, 2),
        new Execution(0, 0, 5, 10));
    ServiceShares shares = new ServiceShares(runs, new double[] {1, 1}, new long[] {10, 2});
    ServiceShares.Window w = shares.window(0, 10);
    assertThat(w.tenants()).containsExactly(0);
    assertThat(shares.window(0, 1).tenants()).containsExactly(0, 1);
    assertThat(w.indexOf(1)).isEqualTo(-1);
    assertThat(w.shareOverFair(1)).isNaN();
    assertThat(shares.window(0, 1).shareOverFair(1)).isCloseTo(1.0, within(1e-9));
    assertThat(shares.backloggedUntil(1)).isEqualTo(1);
    assertThat(shares.backloggedUntil(0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void window_countsOnlyOverlap() {
    List<Execution> runs = List.of(new Execution(0, 0, 5, 15), new Execution(1, 0, 0, 10));
    ServiceShares shares = new ServiceShares(runs, new double[] {1, 1}, new long[] {9, 9});
    ServiceShares.Window w = shares.window(10, 20);
    assertThat(w.servedShare()).containsExactly(new double[] {1.0, 0.0}, within(1e-9));
    assertThat(w.jain()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void windows_cutSpanIntoEqualParts() {
    ServiceShares shares = new ServiceShares(List.of(new Execution(0, 0, 0, 100)), new double[] {1}, new long[] {5});
    assertThat(shares.windows(0, 100, 30)).hasSize(3);
  }
}
