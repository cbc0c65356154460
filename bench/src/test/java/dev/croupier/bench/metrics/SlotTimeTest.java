package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotTimeTest {

  @Test
  void busyFraction_everySlotRunningAllTheTime_isOne() {
    List<Execution> runs = List.of(new Execution(0, 0, 0, 50), new Execution(1, 0, 50, 100),
        new Execution(0, 0, 0, 100));

    assertThat(SlotTime.busyFraction(runs, 2, 0, 100)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void busyFraction_clipsRunsToTheSpan_andCountsIdleSlots() {
    // Slot 1 runs [-20, 30) and [60, 140); slot 2 is idle. In [0, 100): 30 + 40 of 2 x 100.
    List<Execution> runs = List.of(new Execution(0, 0, -20, 30), new Execution(0, 0, 60, 140));

    assertThat(SlotTime.busyFraction(runs, 2, 0, 100)).isCloseTo(0.35, within(1e-12));
  }

  @Test
  void busyFraction_noRuns_isZero_andAnEmptySpanIsRejected() {
    assertThat(SlotTime.busyFraction(List.of(), 4, 0, 10)).isZero();
    assertThatThrownBy(() -> SlotTime.busyFraction(List.of(), 4, 10, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[10, 10)");
    assertThatThrownBy(() -> SlotTime.busyFraction(List.of(), 0, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slots must be positive: 0");
  }
}
