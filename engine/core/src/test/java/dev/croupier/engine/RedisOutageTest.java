package dev.croupier.engine;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobState;
import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.embeddedredis.EmbeddedRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A Redis that goes away: callers get a clear error, and the engine recovers when it is back. */
class RedisOutageTest {

  @Test
  void redisDown_enqueueFailsClearly_andEngineRecoversWhenItReturns() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start();
    int port = redis.port();
    AtomicInteger runs = new AtomicInteger();
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(redis.url()).namespace("outage")
        .idlePoll(Duration.ofMillis(5)).build())) {
      engine.register(spec, 4, job -> runs.incrementAndGet());
      String first = engine.enqueue("t", "f", "a".getBytes(StandardCharsets.UTF_8), EnqueueOptions.DEFAULTS).jobId();
      assertThat(engine.awaitCompletion(first, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS).state())
          .isEqualTo(JobState.SUCCEEDED);

      redis.close();
      assertThatThrownBy(() -> engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("cannot reach Redis");
      Thread.sleep(300); // the claim loops keep failing meanwhile; they must survive it

      redis = EmbeddedRedis.start(port);
      engine.registerFunction(spec); // the embedded server keeps no data across restarts
      String second = enqueueWhenBack(engine);
      assertThat(engine.awaitCompletion(second, Duration.ofSeconds(20)).get(25, TimeUnit.SECONDS).state())
          .isEqualTo(JobState.SUCCEEDED);
      assertThat(runs).hasValue(2);
    } finally {
      redis.close();
    }
  }

  private static String enqueueWhenBack(Engine engine) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS).jobId();
      } catch (RedisUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
