package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.LoadingRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Redis restarting from its data file answers LOADING for a while: callers must see "not now,
 * retry" ({@link RedisUnavailableException}), not a refusal, and the engine carries on once the
 * data is loaded.
 */
class RedisLoadingTest {

  @Test
  void enqueue_whileRedisIsLoading_isUnavailableNotRefused() {
    try (LoadingRedis redis = LoadingRedis.start();
        Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(redis.url())
            .namespace("loading").build())) {
      engine.registerFunction(FunctionSpec.newBuilder("f").build());
      engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS);

      redis.restartLoading();
      List<RuntimeException> failures = new ArrayList<>();
      // The first calls may find pooled connections the restart broke; then LOADING arrives.
      while (failures.stream().noneMatch(e -> String.valueOf(e.getMessage()).contains("LOADING"))
          && failures.size() < 50) {
        try {
          engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS);
          throw new AssertionError("an enqueue succeeded while Redis was loading");
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
      assertThat(failures).isNotEmpty().allSatisfy(e -> assertThat(e)
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("may be retried"));
      assertThat(failures.get(failures.size() - 1)).hasMessageContaining("LOADING");

      redis.awaitLoaded(Duration.ofSeconds(30));
      assertThat(engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS).jobId()).isNotEmpty();
    }
  }
}
