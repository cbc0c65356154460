package dev.croupier.engine;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobState;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.lease.Scavenger;
import dev.croupier.engine.redis.RedisClients;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The attempt number is the lease token: a completion of an earlier delivery never counts. */
class LeaseTokenTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final FunctionSpec ONE_SHOT = FunctionSpec.newBuilder("one-shot")
      .leaseTimeout(Duration.ofSeconds(1)).retry(new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO)).build();

  @Test
  void lateAck_ofLeaseThatExpiredBeforeReplay_isRefusedAsUnknown_andDoesNotCompleteTheNewDelivery() throws Exception {
    FakeClock clock = FakeClock.atNow();
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build();
    CollectingSink sink = new CollectingSink(ONE_SHOT.name());
    try (EngineRuntime engine = EngineRuntime.host(options);
        UnifiedJedis scavengerRedis = RedisClients.pooled(REDIS.url(), 2);
        RedisClient redis = REDIS.client()) {
      Scavenger scavenger = new Scavenger(new ScriptRegistry(scavengerRedis), new KeySchema(ns, 1), options,
          "test-scavenger", n -> { });
      engine.engine().configureFunction(ONE_SHOT);
      engine.leases().attach(sink);
      String id = engine.engine().enqueue("t1", ONE_SHOT.name(), "x".getBytes(StandardCharsets.UTF_8),
          EnqueueOptions.DEFAULTS).jobId();

      LeasedJob first = sink.next();
      // The first worker stalls past its lease; the job, on its last attempt, goes to the DLQ.
      clock.advance(Duration.ofSeconds(2));
      assertThat(scavenger.sweep()).isEqualTo(1);
      assertThat(engine.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.DEAD);

      assertThat(engine.engine().replay(id)).isTrue();
      LeasedJob second = sink.next();
      assertThat(second.leaseToken()).as("the redelivery's lease token").isNotEqualTo(first.leaseToken());

      assertThat(engine.leases().complete(id, first.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .as("late ack of the delivery before the replay").isEqualTo(CompletionResult.UNKNOWN_JOB);
      assertThat(engine.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.RUNNING);
      assertThat(engine.leases().complete(id, second.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .isEqualTo(CompletionResult.ACCEPTED);
      assertThat(engine.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      engine.leases().detach(sink);
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void lateAck_ofLeaseFailedBeforeReplay_isRefusedAsUnknown() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    CollectingSink sink = new CollectingSink(ONE_SHOT.name());
    try (EngineRuntime engine = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      engine.engine().configureFunction(ONE_SHOT);
      engine.leases().attach(sink);
      String id = engine.engine().enqueue("t1", ONE_SHOT.name(), "x".getBytes(StandardCharsets.UTF_8),
          EnqueueOptions.DEFAULTS).jobId();

      LeasedJob first = sink.next();
      assertThat(engine.leases().complete(id, first.leaseToken(), new Outcome.Fail("bad input", Duration.ZERO)))
          .isEqualTo(CompletionResult.ACCEPTED);
      assertThat(engine.engine().replay(id)).isTrue();
      LeasedJob second = sink.next();

      // The first worker's completion arrives again (a retransmission after a reconnect).
      assertThat(engine.leases().complete(id, first.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .isEqualTo(CompletionResult.UNKNOWN_JOB);
      assertThat(engine.leases().extendLease(id, first.leaseToken())).isEqualTo(CompletionResult.UNKNOWN_JOB);
      assertThat(engine.leases().complete(id, second.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .isEqualTo(CompletionResult.ACCEPTED);
      engine.leases().detach(sink);
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void extendLease_afterItExpired_isStale_soItsFreedSlotIsNotTakenTwice() throws Exception {
    FakeClock clock = FakeClock.atNow();
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build();
    FunctionSpec single = FunctionSpec.newBuilder("single").concurrencyLimit(1)
        .leaseTimeout(Duration.ofSeconds(1)).build();
    CollectingSink sink = new CollectingSink(single.name());
    try (EngineRuntime engine = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      engine.engine().configureFunction(single);
      engine.leases().attach(sink);
      engine.engine().enqueue("t1", single.name(), "a".getBytes(StandardCharsets.UTF_8), EnqueueOptions.DEFAULTS);
      engine.engine().enqueue("t1", single.name(), "b".getBytes(StandardCharsets.UTF_8), EnqueueOptions.DEFAULTS);
      LeasedJob first = sink.next();

      // The first lease runs out: its slot is free (no sweep needed), so the second job runs.
      clock.advance(Duration.ofMillis(1500));
      engine.leases().wakeClaimers();
      LeasedJob second = sink.next();
      assertThat(second.id()).isNotEqualTo(first.id());

      // The first worker's heartbeat comes too late: it must not take the slot back.
      assertThat(engine.leases().extendLease(first.id(), first.leaseToken())).isEqualTo(CompletionResult.STALE);
      String slots = new KeySchema(ns, 1).slots(0, KeySchema.functionSlots(single.name()));
      assertThat(redis.zcount(slots, "(" + clock.millis(), "+inf")).as("jobs in flight (limit 1)").isEqualTo(1);
      engine.leases().detach(sink);
    }
  }

  /** A sink with unlimited credits for one function that hands its jobs to the test. */
  static final class CollectingSink extends CreditedSink {
    private final LinkedBlockingQueue<LeasedJob> jobs = new LinkedBlockingQueue<>();

    CollectingSink(String function) {
      super(function, 1);
    }

    /** The next delivered job; fails after 10 s. Each call allows one more delivery. */
    LeasedJob next() throws InterruptedException {
      LeasedJob j = jobs.poll(10, TimeUnit.SECONDS);
      assertThat(j).as("a delivery within 10 s").isNotNull();
      grant(1);
      return j;
    }

    @Override
    public void deliver(LeasedJob job) {
      jobs.add(job);
    }
  }
}
