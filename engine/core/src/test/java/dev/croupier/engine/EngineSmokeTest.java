package dev.croupier.engine;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.runtime.EngineRuntime;
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
    runAll(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(REDIS.newNamespace()).build());
  }

  @Test
  void severalShards_tenantsSpreadOverThem_allJobsRun() throws Exception {
    runAll(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(REDIS.newNamespace()).shards(4).build());
  }

  @Test
  void shardCountMismatch_isRefused() {
    String ns = REDIS.newNamespace();
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).shards(2).build())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineRuntime.start(
              EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).shards(3).build()))
          .hasMessageContaining("set up with 2 shard(s)");
    }
  }

  private static void runAll(EngineOptions options) throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (Engine engine = EngineRuntime.start(options)) {
      engine.register(FunctionSpec.newBuilder("work").build(), 8, job -> {
        assertThat(seen.add(job.id())).isTrue();
      });
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(new JobRequest("tenant-" + (i % 10), "work", ("p" + i).getBytes(StandardCharsets.UTF_8), null));
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
