package dev.croupier.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.bench.metrics.RunTally;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveTableTest {

  private static final long MS = 1_000_000;

  private final AtomicLong clock = new AtomicLong(0);
  private final RunTally tally = new RunTally("A", List.of("B"), clock::get);

  @Test
  void render_whileTheBigTenantEnqueues_showsCountsAndWhoIsStillWaiting() {
    tally.workersStarted();
    tally.submitted("A", 2_000, clock.get());
    tally.started("A", clock.get());
    tally.started("A", clock.get());
    tally.done("A");
    clock.set(500 * MS);
    tally.submitted("B", 10, clock.get());
    clock.set(2_000 * MS);

    List<String> lines = LiveTable.render("fifo-list", Duration.ofSeconds(30), tally);

    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("fifo-list   2.0 s of 30 s   A is enqueueing");
    assertThat(lines.get(2)).matches("  A +2,000 +1,998 +1 +1 +0\\.0 ms");
    assertThat(lines.get(3)).contains("B", "10", "still waiting, 1,500 ms");
  }

  @Test
  void render_afterTheBigEnqueue_showsHowLongItTook() {
    tally.submitted("A", 100_000, 0);
    tally.bigEnqueueTook(6_900 * MS);

    assertThat(LiveTable.render("croupier", Duration.ofSeconds(5), tally).get(0))
        .endsWith("A's 100,000 jobs enqueued in 6,900 ms");
  }

  @Test
  void render_afterTheRunEndedMidEnqueue_saysTheEnqueueStopped() {
    tally.submitted("A", 34_000, 0);
    tally.freeze(false);

    assertThat(LiveTable.render("croupier", Duration.ofSeconds(5), tally).get(0))
        .endsWith("A's enqueue stopped at 34,000 jobs");
  }

  @Test
  void followThenStop_onAPipe_printsWholeFramesWithoutCursorCodes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LiveTable live = new LiveTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

    live.follow("fifo-list", Duration.ofSeconds(1), tally);
    live.stop();
    live.stop(); // a second stop is a no-op

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("fifo-list", "first job started after").doesNotContain("\033[");
  }
}
