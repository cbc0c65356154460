package dev.croupier.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/** The naive half of the demo on its own: a FIFO list makes late tenants wait for the backlog. */
class FifoRunTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void fifo_whenBigBacklogIsQueued_smallTenantsStartOnlyAfterItAllStarted() {
    DemoOptions options = DemoOptions.newBuilder()
        .redisUrl(REDIS.url())
        .budget(Duration.ofSeconds(15))
        .slots(8)
        .jobTime(Duration.ofMillis(5))
        .big(3_000)
        .small(20)
        .build();

    RunReport run = new NoisyNeighbourDemo(options, null, false).runFifo();

    assertThat(run.drained()).isTrue();
    TenantReport a = run.tenant("A");
    assertThat(a.done()).isEqualTo(3_000);
    for (String t : DemoOptions.SMALL_TENANTS) {
      TenantReport small = run.tenant(t);
      assertThat(small.enqueued()).isEqualTo(20);
      assertThat(small.done()).isEqualTo(20);
      // Strict FIFO: the first small job starts only once every job of A ahead of it was popped
      // (a few popped ones may not have counted their start yet: at most one per other slot).
      assertThat(small.bigQueuedAtFirstStart()).isLessThan(options.slots());
      // 3,000 jobs on 8 slots of 5 ms take >= 1.9 s; less 300 ms of head start, B waits > 1 s.
      assertThat(small.firstStartMs()).isGreaterThan(1_000.0);
      assertThat(small.waitP50Ms()).isLessThanOrEqualTo(small.waitP99Ms());
    }
  }

  @Test
  void fifo_afterRun_leavesNoKeysBehind() {
    DemoOptions options = DemoOptions.newBuilder()
        .redisUrl(REDIS.url())
        .budget(Duration.ofMillis(500))
        .slots(2)
        .jobTime(Duration.ofMillis(5))
        .big(5_000)
        .small(10)
        .build();

    RunReport run = new NoisyNeighbourDemo(options, null, false).runFifo();

    assertThat(run.drained()).isFalse();
    assertThat(run.tenant("A").done()).isLessThan(5_000);
    try (RedisClient redis = REDIS.client()) {
      assertThat(redis.scan(ScanParams.SCAN_POINTER_START,
          new ScanParams().match("croupier-demo:*").count(10_000)).getResult()).isEmpty();
    }
  }
}
