package dev.croupier.engine.internal.enqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Enqueues without waiting: validated on the caller's thread when the configs are cached, on the
 * blocking executor when one must be read first; all or nothing either way.
 */
class EnqueuerAsyncTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private RedisClient redis;
  private KeySchema keys;
  private ConfigStore config;
  private Enqueuer enqueuer;
  private final List<String> expected = new ArrayList<>();
  private final AtomicInteger blockingRuns = new AtomicInteger();
  private final Executor blocking = r -> {
    blockingRuns.incrementAndGet();
    Thread.ofVirtual().start(r);
  };

  @BeforeEach
  void setUp() {
    redis = REDIS.client();
    EngineOptions options = REDIS.newOptions().build();
    keys = new KeySchema(options.namespace(), 1);
    config = new ConfigStore(redis, keys, Duration.ofMinutes(5));
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    enqueuer = new Enqueuer(new ScriptRegistry(redis), keys, config, options,
        Enqueuer.WatchedJobs.of(ids -> {
          synchronized (expected) {
            expected.addAll(ids);
          }
        }, ids -> {
          synchronized (expected) {
            expected.removeAll(ids);
          }
        }), "", function -> false);
  }

  @AfterEach
  void tearDown() {
    enqueuer.close();
    redis.close();
  }

  private static JobRequest job(String function, EnqueueOptions o) {
    return new JobRequest("t1", function, new byte[] {1}, o);
  }

  private long stored() {
    return redis.keys(keys.prefix(0) + "job:*").size();
  }

  @Test
  void cachedConfigs_areValidatedOnTheCallersThread_andTheJobsStored() throws Exception {
    config.requireFunction("f"); // cached
    List<EnqueueResult> results = enqueuer.enqueueAsync(List.of(job("f", EnqueueOptions.DEFAULTS),
        job("f", EnqueueOptions.newBuilder().idempotencyKey("k").build())), blocking).get(10, TimeUnit.SECONDS);
    assertThat(results).hasSize(2).noneMatch(EnqueueResult::duplicate);
    assertThat(blockingRuns).hasValue(0);
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  void aConfigNotCached_isReadOnTheBlockingExecutor() throws Exception {
    // Stored by another engine: this one has never read it.
    new ConfigStore(redis, keys, Duration.ofMinutes(5)).configureFunction(FunctionSpec.newBuilder("g").build());
    assertThat(config.isCached("g")).isFalse();
    List<EnqueueResult> results = enqueuer.enqueueAsync(List.of(job("g", EnqueueOptions.DEFAULTS)), blocking)
        .get(10, TimeUnit.SECONDS);
    assertThat(results).hasSize(1);
    assertThat(blockingRuns).hasValue(1);
    assertThat(config.isCached("g")).isTrue();
  }

  @Test
  void anInvalidRequest_failsTheFuture_andNothingOfTheBatchIsWritten() {
    config.requireFunction("f");
    CompletableFuture<List<EnqueueResult>> bad = enqueuer.enqueueAsync(List.of(job("f", EnqueueOptions.DEFAULTS),
        new JobRequest("t1", "f", new byte[5 << 20], EnqueueOptions.DEFAULTS)), blocking);
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InvalidRequestException.class);
    CompletableFuture<List<EnqueueResult>> unknown =
        enqueuer.enqueueAsync(List.of(job("f", EnqueueOptions.DEFAULTS), job("nope", EnqueueOptions.DEFAULTS)), blocking);
    assertThatThrownBy(() -> unknown.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown function 'nope'");
    assertThat(stored()).isZero();
  }

  @Test
  void aWatchedDuplicate_isNoLongerExpected() throws Exception {
    config.requireFunction("f");
    EnqueueOptions watchedKey = EnqueueOptions.newBuilder().idempotencyKey("w").watched(true).build();
    EnqueueResult first = enqueuer.enqueueAsync(List.of(job("f", watchedKey)), blocking).get(10, TimeUnit.SECONDS).get(0);
    EnqueueResult second = enqueuer.enqueueAsync(List.of(job("f", watchedKey)), blocking).get(10, TimeUnit.SECONDS).get(0);
    assertThat(second.duplicate()).isTrue();
    assertThat(second.jobId()).isEqualTo(first.jobId());
    synchronized (expected) {
      assertThat(expected).containsExactly(first.jobId()); // the duplicate's own id was never written
    }
  }
}
