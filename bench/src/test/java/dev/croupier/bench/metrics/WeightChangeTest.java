package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightChangeTest {

  private static final long[] PLENTY = {1_000, 1_000};
  private static final double[] BEFORE = {1, 1};
  private static final double[] AFTER = {3, 1};

  /** One slot alternating between tenants: each 10-unit window gives tenant 0 {@code units} of it. */
  private static List<Execution> schedule(int... unitsPerWindow) {
    List<Execution> runs = new ArrayList<>();
    for (int w = 0; w < unitsPerWindow.length; w++) {
      long t = w * 10L;
      runs.add(new Execution(0, 0, t, t + unitsPerWindow[w]));
      runs.add(new Execution(1, 0, t + unitsPerWindow[w], t + 10));
    }
    return runs;
  }

  @Test
  void of_judgesWindowsBeforeTheChangeByOldWeights_andAfterByNew() {
    // Half before (fair at 1:1); after the change at 30, 5 / 6 / 8 / 7.5 of 10 against a fair 7.5.
    List<Execution> runs = schedule(5, 5, 5, 5, 6, 8, 7);

    WeightChange wc = WeightChange.of(runs, PLENTY, 0, BEFORE, AFTER, 30, 0, 70, 10);

    assertThat(wc.before()).extracting(WeightChange.Point::ratio).containsExactly(1.0, 1.0, 1.0);
    assertThat(wc.after()).hasSize(4);
    assertThat(wc.after().get(0).fairShare()).isCloseTo(0.75, within(1e-12));
    assertThat(wc.after()).extracting(WeightChange.Point::share)
        .containsExactly(0.5, 0.6, 0.8, 0.7);
  }

  @Test
  void settleNanos_isTheEndOfTheFirstWindowWithinTolerance_fromTheChange() {
    // After the change at 30: 0.5, 0.6, 0.8, 0.7 of a fair 0.75 -> ratios 0.67, 0.8, 1.067, 0.93.
    WeightChange wc = WeightChange.of(schedule(5, 5, 5, 5, 6, 8, 7), PLENTY, 0, BEFORE, AFTER, 30, 0, 70, 10);

    assertThat(wc.settleNanos(0.05)).isEmpty();
    assertThat(wc.settleNanos(0.10)).hasValue(30); // the third window, 1.067, ends 30 after the change
    assertThat(wc.settleNanos(0.25)).hasValue(20);
  }

  @Test
  void overshoot_isTheLargestRatioAfterTheChange() {
    WeightChange wc = WeightChange.of(schedule(9, 9, 5, 6, 8, 7), PLENTY, 0, BEFORE, AFTER, 20, 0, 60, 10);

    // 0.9 / 0.5 before it does not count; after: 0.5, 0.6, 0.8, 0.7 of 0.75.
    assertThat(wc.overshoot()).isCloseTo(0.8 / 0.75, within(1e-12));
    assertThat(WeightChange.meanRatio(wc.before())).isCloseTo(1.8, within(1e-12));
  }

  @Test
  void of_aDrainedTenant_hasNoShareInLaterWindows() {
    // Tenant 0 has 3 jobs in all: its last starts at 20, so it is not backlogged through [20, 30).
    WeightChange wc = WeightChange.of(schedule(5, 5, 5), new long[] {3, 1_000}, 0, BEFORE, AFTER,
        20, 0, 40, 10);

    assertThat(wc.before()).extracting(WeightChange.Point::ratio).containsExactly(1.0, 1.0);
    assertThat(wc.after()).hasSize(2).extracting(WeightChange.Point::ratio).allMatch(r -> Double.isNaN(r));
    assertThat(wc.overshoot()).isNaN();
    assertThat(wc.settleNanos(0.05)).isEmpty();
  }
}
