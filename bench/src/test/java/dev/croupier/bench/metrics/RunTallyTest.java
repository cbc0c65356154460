package dev.croupier.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunTallyTest {

  private static final long MS = 1_000_000;

  private final AtomicLong clock = new AtomicLong(1_000 * MS);
  private final RunTally tally = new RunTally("A", List.of("B", "C"), clock::get);

  @Test
  void figures_waitsOfOneToHundredMillis_areNearestRankInMillis() {
    long enqueued = clock.get();
    tally.submitted("B", 100, enqueued);
    for (int ms = 100; ms >= 1; ms--) { // out of order on purpose
      clock.set(enqueued + ms * MS);
      tally.started("B", enqueued);
    }

    TenantFigures b = tally.figures().tenant("B");

    assertThat(b.waitP50Ms()).isEqualTo(50.0);
    assertThat(b.waitP99Ms()).isEqualTo(99.0);
    assertThat(tally.tenant("B").waitsNanos()).hasSize(100);
  }

  @Test
  void figures_withNoStarts_haveNullWaitsAndFirstStart() {
    tally.submitted("C", 5, clock.get());

    TenantFigures c = tally.figures().tenant("C");

    assertThat(c.enqueued()).isEqualTo(5);
    assertThat(c.started()).isZero();
    assertThat(c.firstStartMs()).isNull();
    assertThat(c.waitP50Ms()).isNull();
    assertThat(c.waitP99Ms()).isNull();
    assertThat(c.bigQueuedAtFirstStart()).isNull();
    assertThat(tally.tenant("C").firstStartNanos()).isEmpty();
  }

  @Test
  void started_firstJobOfATenant_notesFirstStartAndTheBigTenantsQueuedJobs() {
    tally.submitted("A", 1_000, clock.get());
    for (int i = 0; i < 10; i++) {
      tally.started("A", clock.get());
    }
    long bArrived = clock.addAndGet(40 * MS);
    tally.submitted("B", 3, bArrived);
    clock.addAndGet(12_345_678);
    tally.started("B", bArrived);
    tally.started("A", bArrived); // later starts of A do not change B's figure

    TenantFigures b = tally.figures().tenant("B");

    assertThat(b.firstStartMs()).isEqualTo(12.3);
    assertThat(b.bigQueuedAtFirstStart()).isEqualTo(990);
    assertThat(tally.big().queued()).isEqualTo(989);
  }

  @Test
  void freeze_stopsCounting_andDrainedNeedsEveryJobDoneAndTheEnqueueFinished() {
    tally.workersStarted();
    for (String t : List.of("A", "B", "C")) {
      tally.submitted(t, 1, clock.get());
      tally.started(t, clock.get());
      tally.done(t);
    }
    clock.addAndGet(1_500 * MS + 40_000);

    RunFigures unfinished = new RunTally("A", List.of("B"), clock::get).freeze(false);
    RunFigures run = tally.freeze(true);
    tally.started("A", clock.get());
    tally.submitted("B", 7, clock.get());

    assertThat(unfinished.drained()).isFalse();
    assertThat(run.drained()).isTrue();
    assertThat(run.elapsedMs()).isEqualTo(1_500.0); // rounded to 0.1 ms
    assertThat(tally.runNanos()).isEqualTo(1_500 * MS + 40_000);
    assertThat(tally.figures()).isEqualTo(run);
    assertThat(run.tenants()).containsOnlyKeys("A", "B", "C");
  }

  @Test
  void bigEnqueueMillis_isNullUntilTheEnqueueFinished() {
    assertThat(tally.bigEnqueueMillis()).isNull();

    tally.bigEnqueueTook(6_912_345_678L);

    assertThat(tally.bigEnqueueMillis()).isEqualTo(6_912.3);
  }

  @Test
  void started_unknownTenantOrDuplicateName_throws() {
    assertThatThrownBy(() -> tally.started("Z", 0)).hasMessageContaining("Z");
    assertThatThrownBy(() -> new RunTally("A", List.of("B", "A"), clock::get)).hasMessageContaining("A");
  }
}
