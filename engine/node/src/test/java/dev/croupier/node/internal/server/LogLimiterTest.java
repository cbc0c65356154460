package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

  @Test
  void permit_withinWindow_letsOneThroughAndCountsTheRest() {
    AtomicLong clock = new AtomicLong(-5); // nanoTime may be negative
    LogLimiter limiter = new LogLimiter(Duration.ofSeconds(10), clock::get);
    assertThat(limiter.permit()).isZero();
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.permit()).isEqualTo(-1);
    }
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(limiter.permit()).isEqualTo(1000);
    assertThat(limiter.permit()).isEqualTo(-1);
    clock.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(limiter.permit()).isEqualTo(1);
    assertThat(LogLimiter.held(1)).contains("1 more");
    assertThat(LogLimiter.held(0)).isEmpty();
  }
}
