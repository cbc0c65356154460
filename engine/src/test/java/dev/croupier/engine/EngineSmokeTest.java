package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EngineSmokeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void enqueuedJobs_allRunOnce_andSucceed() throws Exception {
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(REDIS.newNamespace()).build();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (Engine engine = Engine.start(options)) {
      engine.register(FunctionSpec.newBuilder("work").build(), 8, job -> {
        assertThat(seen.add(job.id())).isTrue();
      });
      List<EnqueueRequest> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(new EnqueueRequest(i % 2 == 0 ? "a" : "b", "work", ("p" + i).getBytes(StandardCharsets.UTF_8), null));
      }
      List<EnqueueResult> results = engine.enqueueBatch(batch);
      for (EnqueueResult r : results) {
        JobInfo info = engine.awaitCompletion(r.jobId(), Duration.ofSeconds(20)).get();
        assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(info.attempts()).isEqualTo(1);
      }
      assertThat(seen).hasSize(200);
    }
  }
}
