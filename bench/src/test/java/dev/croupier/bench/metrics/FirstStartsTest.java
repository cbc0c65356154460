package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirstStartsTest {

  @Test
  void of_takesEachTenantsEarliestStart_fromItsArrival() {
    // Tenants 2 and 3 are the newcomers (0 and 1 are the backlogs, ignored).
    List<Execution> runs = List.of(new Execution(0, 0, 5, 6), new Execution(2, 100, 130, 140),
        new Execution(2, 100, 110, 120), new Execution(3, 200, 260, 270));

    long[] first = FirstStarts.of(runs, 2, new long[] {100, 200}, 1_000);

    assertThat(first).containsExactly(10, 60);
  }

  @Test
  void of_aStartAfterTheRunsEnd_orNone_isNever() {
    List<Execution> runs = List.of(new Execution(2, 100, 900, 950));

    long[] first = FirstStarts.of(runs, 2, new long[] {100, 150}, 500);

    assertThat(first).containsExactly(FirstStarts.NEVER, FirstStarts.NEVER);
  }
}
