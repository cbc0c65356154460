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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.SetParams;

class EngineSmokeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void enqueuedJobs_allRunOnce_andSucceed() throws Exception {
    runAll(REDIS.newOptions().build());
  }

  @Test
  void severalShards_tenantsSpreadOverThem_allJobsRun() throws Exception {
    runAll(REDIS.newOptions().shards(4).build());
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

  @Test
  void aNamespaceInANewerStorageLayout_isRefused_withBothLayoutsNamed() {
    String ns = REDIS.newNamespace();
    try (var redis = REDIS.client()) {
      redis.hset(ns + ":{c:0}:meta", "layout", "99");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineRuntime.start(
            EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build()))
        .hasMessageContaining("storage layout 99").hasMessageContaining("(4)");
  }

  @Test
  void aNamespaceFromBeforeLayout3_getsItsFunctionTotalsRebuilt_fromThePerTenantCounters() {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).shards(2).build();
    try (Engine engine = EngineRuntime.start(options)) {
      engine.configureFunction(FunctionSpec.newBuilder("work").build());
      engine.configureFunction(FunctionSpec.newBuilder("other").build());
      for (int i = 0; i < 30; i++) {
        engine.enqueue("tenant-" + (i % 7), i % 3 == 0 ? "other" : "work", new byte[] {1}, null);
      }
    }
    try (var redis = REDIS.client()) { // as a layout-2 engine left it: no per-function totals
      for (int shard = 0; shard < 2; shard++) {
        redis.del(ns + ":{c:" + shard + "}:cnt:f");
      }
      redis.hset(ns + ":{c:0}:meta", "layout", "2");
    }
    try (Engine engine = EngineRuntime.start(options)) {
      assertThat(engine.functionStats()).extracting(f -> f.spec().name() + "=" + f.queued())
          .containsExactlyInAnyOrder("other=10", "work=20");
    }
    assertUpgraded(ns, 2);
  }

  @Test
  void jobsStoredInTheFirstLayout_areLookedUpAndRun() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    try (Engine engine = EngineRuntime.start(options)) {
      engine.configureFunction(FunctionSpec.newBuilder("work").build());
      String id = engine.enqueue("tenant-a", "work", new byte[] {7}, null).jobId();
      try (var redis = REDIS.client()) { // as engines before layout 2 wrote it: every field
        String key = ns + ":{c:0}:job:" + id;
        String enqueued = Long.toString(System.currentTimeMillis());
        redis.hset(key, Map.of("t", "tenant-a", "f", "work", "a", "0", "st", "queued", "ks", "",
            "ea", enqueued, "ra", enqueued));
      }
      JobInfo queued = engine.lookup(id).orElseThrow();
      assertThat(queued.tenant()).isEqualTo("tenant-a");
      assertThat(queued.state()).isEqualTo(JobState.QUEUED);
      engine.register(FunctionSpec.newBuilder("work").build(), 2, job -> ran.add(job.id()));
      JobInfo done = engine.awaitCompletion(id, Duration.ofSeconds(20)).get();
      assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(done.attempts()).isEqualTo(1);
      assertThat(ran).containsExactly(id);
    }
  }

  @Test
  void queuesOfLayout3_keepTheirOrder_besideJobsInTheNewList() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    List<String> old = new ArrayList<>();
    try (Engine engine = EngineRuntime.start(options)) {
      engine.configureFunction(FunctionSpec.newBuilder("work").build());
      for (int i = 0; i < 5; i++) {
        old.add(engine.enqueue("tenant-a", "work", new byte[] {1}, null).jobId());
        Thread.sleep(2); // distinct enqueue times
      }
    }
    try (var redis = REDIS.client()) { // as a layout-3 engine left them: in the sorted set, with ea
      String list = ns + ":{c:0}:ql:tenant-a:work";
      for (String id : old) {
        redis.zadd(ns + ":{c:0}:q:tenant-a:work", dev.croupier.engine.internal.keys.JobIds.timeOf(id), id);
        redis.hset(ns + ":{c:0}:job:" + id, "ea", Long.toString(dev.croupier.engine.internal.keys.JobIds.timeOf(id)));
      }
      redis.del(list);
      redis.hset(ns + ":{c:0}:meta", "layout", "3");
    }
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Engine engine = EngineRuntime.start(options)) {
      List<String> all = new ArrayList<>(old);
      for (int i = 0; i < 5; i++) {
        all.add(engine.enqueue("tenant-a", "work", new byte[] {2}, null).jobId());
      }
      engine.cancel(old.get(2));
      all.remove(old.get(2));
      engine.register(FunctionSpec.newBuilder("work").build(), 1, job -> order.add(job.id()));
      for (String id : all) {
        assertThat(engine.awaitCompletion(id, Duration.ofSeconds(20)).get().state()).isEqualTo(JobState.SUCCEEDED);
      }
      assertThat(order).as("one queue, one slot: enqueue order across both layouts").containsExactlyElementsOf(all);
      assertThat(engine.lookup(old.get(0)).orElseThrow().enqueuedAt().toEpochMilli())
          .isEqualTo(dev.croupier.engine.internal.keys.JobIds.timeOf(old.get(0)));
    }
    assertUpgraded(ns, 1);
  }

  @Test
  void anUpgrade_waitsOutTheLeaseOfAStoppedOlderEngine_andRefusesWhileOneRuns() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    String meta = ns + ":{c:0}:meta";
    String role = ns + ":{c:0}:role:scavenger";
    try (Engine engine = EngineRuntime.start(options)) {
      engine.configureFunction(FunctionSpec.newBuilder("work").build());
    }
    try (var redis = REDIS.client()) {
      assertThat(redis.exists(role)).as("a closing engine gives up its scavenger role").isFalse();
      // A layout-3 engine that stopped a moment ago: its lease is left, and nobody renews it.
      redis.hset(meta, "layout", "3");
      redis.set(role, "old-engine", SetParams.setParams().px(700));
    }
    try (Engine engine = EngineRuntime.start(options)) {
      assertThat(engine.lookup("0-00000000000000000000000000")).isEmpty();
    }
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (var redis = REDIS.client()) {
      assertThat(redis.hget(meta, "layout")).isEqualTo("4");
      // A layout-3 engine still running: it renews its lease every sweep.
      redis.hset(meta, "layout", "3");
      Thread older = Thread.ofPlatform().start(() -> {
        try (var r = REDIS.client()) {
          while (running.get()) {
            r.set(role, "old-engine", SetParams.setParams().px(1000));
            Thread.sleep(200);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try {
        // Started only once the older engine holds its lease: on a busy machine the thread may
        // not have written it yet, and a start before that would rightly find no engine running.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"old-engine".equals(redis.get(role)) && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        assertThat(redis.get(role)).isEqualTo("old-engine");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineRuntime.start(options))
            .hasMessageContaining("storage layout 3").hasMessageContaining("engine old-engine still holds")
            .hasMessageContaining("Stop every engine of the older release");
        assertThat(redis.hget(meta, "layout")).as("nothing upgraded").isEqualTo("3");
      } finally {
        running.set(false);
        older.join();
      }
    }
  }

  /** The namespace is in the current storage layout and its index and counters hold. */
  private static void assertUpgraded(String ns, int shards) {
    try (var redis = REDIS.client()) {
      assertThat(redis.hget(ns + ":{c:0}:meta", "layout")).isEqualTo("4");
      dev.croupier.testing.IndexInvariants.check(redis, ns, shards);
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
