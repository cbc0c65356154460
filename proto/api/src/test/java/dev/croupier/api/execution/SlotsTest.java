package dev.croupier.api.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlotsTest {

  @Test
  void reserve_neverExceedsMax_countingRunningJobs() {
    Slots s = new Slots(3);
    assertThat(s.reserve(2)).isEqualTo(2);
    assertThat(s.start()).isTrue(); // against a reservation
    assertThat(s.reserve(5)).isEqualTo(1);
    assertThat(s.free()).isZero();
    assertThat(s.start()).isTrue();
    assertThat(s.start()).isTrue();
    assertThat(s.start()).as("every slot taken").isFalse();
    assertThat(s.running()).isEqualTo(3);
  }

  @Test
  void releaseAll_voidsCreditsButKeepsRunningJobs() {
    Slots s = new Slots(4);
    s.reserve(4);
    s.start();
    s.releaseAll();
    assertThat(s.running()).isEqualTo(1);
    assertThat(s.free()).isEqualTo(3);
    s.finish();
    assertThat(s.free()).isEqualTo(4);
  }

  @Test
  void new_whenMaxNotPositive_saysWhy() {
    assertThatThrownBy(() -> new Slots(0)).hasMessage("maxInFlight must be positive: 0");
  }
}
