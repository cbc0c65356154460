package dev.croupier.engine;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryLaterException;
import dev.croupier.api.RetryPolicy;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class LifecycleTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final RetryPolicy FAST_RETRY =
      new RetryPolicy(3, Duration.ofMillis(10), 2.0, Duration.ofMillis(50));

  private EngineRuntime engine;
  private String namespace;

  @BeforeEach
  void start() {
    namespace = REDIS.newNamespace();
    engine = EngineRuntime.host(EngineOptions.newBuilder()
        .redisUrl(REDIS.url())
        .namespace(namespace)
        .scavengeInterval(Duration.ofMillis(100))
        .idlePoll(Duration.ofMillis(5))
        .build());
  }

  @AfterEach
  void stop() {
    engine.close();
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, namespace, 1); // once the engine is quiet
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String enqueue(String tenant, String function, EnqueueOptions o) {
    return engine.engine().enqueue(tenant, function, bytes("x"), o).jobId();
  }

  private JobInfo await(String id) throws Exception {
    return engine.engine().awaitCompletion(id, Duration.ofSeconds(20)).get(25, TimeUnit.SECONDS);
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void ack_marksSucceeded_andDropsPayload() throws Exception {
    engine.engine().register(FunctionSpec.newBuilder("f").build(), 2, job -> assertThat(job.payloadUtf8()).isEqualTo("x"));
    String id = enqueue("t1", "f", EnqueueOptions.DEFAULTS);
    JobInfo info = await(id);
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info.attempts()).isEqualTo(1);
    assertThat(info.finishedAt()).isNotNull();
    try (var redis = REDIS.client()) {
      String key = engine.engine().options().namespace() + ":{c:0}:job:" + id;
      assertThat(redis.hget(key, "p")).as("the payload is dropped from the status record").isEmpty();
      assertThat(redis.pttl(key)).isPositive();
    }
  }

  @Test
  void zeroStatusRetention_keepsNoRecordOfSucceededJobs_yetAWatchedJobIsAwaitedToTheEnd() throws Exception {
    String ns = REDIS.newNamespace();
    try (EngineRuntime lean = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .statusRetention(Duration.ZERO).idlePoll(Duration.ofMillis(5)).build());
        RedisClient redis = REDIS.client()) {
      Engine e = lean.engine();
      CountDownLatch ran = new CountDownLatch(2);
      e.register(FunctionSpec.newBuilder("f").build(), 2, job -> ran.countDown());
      String plain = e.enqueue("t1", "f", bytes("x"), EnqueueOptions.DEFAULTS).jobId();
      String watched = e.enqueue("t1", "f", bytes("x"), EnqueueOptions.newBuilder().watched(true).build()).jobId();
      assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
      // Awaited only after it ended: its record was kept for the watcher all the same.
      JobInfo info = e.awaitCompletion(watched, Duration.ofSeconds(20)).get(25, TimeUnit.SECONDS);
      assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
      eventually(() -> e.lookup(plain).isEmpty(), "the unwatched job leaves no record");
      assertThat(redis.pttl(ns + ":{c:0}:job:" + watched))
          .isBetween(1L, EngineOptions.WATCHED_STATUS_GRACE.toMillis());
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void embeddedSlot_isFreedOnceTheAckLands_andThatWakesTheNextClaim() throws Exception {
    // A poll too slow to matter: each next job can only start because the landing ack woke a claim.
    String ns = REDIS.newNamespace();
    try (EngineRuntime slow = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .idlePoll(Duration.ofSeconds(30)).build())) {
      Engine e = slow.engine();
      FunctionSpec spec = FunctionSpec.newBuilder("one").concurrencyLimit(1).build();
      e.registerFunction(spec);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(e.enqueue("t1", "one", bytes("x"), EnqueueOptions.DEFAULTS).jobId());
      }
      List<String> before = new CopyOnWriteArrayList<>(); // the previous job's state as each starts
      List<String> started = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(ids.size());
      e.register(spec, 1, job -> {
        if (!started.isEmpty()) {
          before.add(e.lookup(started.get(started.size() - 1)).map(j -> j.state().name()).orElse("gone"));
        }
        started.add(job.id());
        all.countDown();
      });
      assertThat(all.await(20, TimeUnit.SECONDS)).as("every job ran without waiting for a poll").isTrue();
      assertThat(started).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(before).as("a job starts only once the one before it is acked").containsOnly("SUCCEEDED");
    }
  }

  @Test
  void severalClaimLoopsTakeTurnsOnAShard_andNoJobWaitsForALoopThatSkippedIt() throws Exception {
    // Four loops on one shard and a poll too slow to matter: a loop that skips the shard because
    // another holds it must leave nothing behind that only the next poll would find.
    String ns = REDIS.newNamespace();
    try (EngineRuntime busy = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .claimThreads(4).idlePoll(Duration.ofSeconds(30)).build())) {
      Engine e = busy.engine();
      int jobs = 300;
      CountDownLatch all = new CountDownLatch(jobs);
      e.register(FunctionSpec.newBuilder("turns").build(), 8, job -> {
        Thread.sleep(1);
        all.countDown();
      });
      for (int burst = 0; burst < jobs / 10; burst++) {
        for (int i = 0; i < 10; i++) {
          e.enqueue("t" + (i % 3), "turns", bytes("x"), EnqueueOptions.DEFAULTS);
        }
        Thread.sleep(2); // bursts land while loops are mid-round and others wait
      }
      assertThat(all.await(20, TimeUnit.SECONDS)).as("every job ran without waiting for a poll").isTrue();
    }
  }

  @Test
  void handlerException_retriesWithBackoff_thenSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    engine.engine().register(FunctionSpec.newBuilder("flaky").retry(FAST_RETRY).build(), 2, job -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("provider down");
      }
    });
    JobInfo info = await(enqueue("t1", "flaky", EnqueueOptions.DEFAULTS));
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(info.lastError()).contains("provider down");
  }

  @Test
  void retryLater_waitsForTheGivenTime() throws Exception {
    List<Instant> starts = new CopyOnWriteArrayList<>();
    engine.engine().register(FunctionSpec.newBuilder("rl").retry(FAST_RETRY).build(), 2, job -> {
      starts.add(Instant.now());
      if (job.attempt() == 1) {
        throw new RetryLaterException(Duration.ofMillis(400), "rate limited");
      }
    });
    String id = enqueue("t1", "rl", EnqueueOptions.DEFAULTS);
    eventually(() -> engine.engine().lookup(id).orElseThrow().state() == JobState.FAILED || starts.size() > 1,
        "the first attempt failed");
    JobInfo info = await(id);
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(Duration.between(starts.get(0), starts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(380));
  }

  @Test
  void poisonJob_endsInDeadLetters_afterMaxAttempts_andReplayRunsItAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger healAfter = new AtomicInteger(Integer.MAX_VALUE);
    engine.engine().register(FunctionSpec.newBuilder("poison").retry(FAST_RETRY).build(), 2, job -> {
      if (calls.incrementAndGet() < healAfter.get()) {
        throw new IllegalArgumentException("cannot parse payload");
      }
    });
    String id = enqueue("t1", "poison", EnqueueOptions.DEFAULTS);
    JobInfo dead = await(id);
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
    assertThat(engine.engine().deadLetters("t1", 10)).extracting(JobInfo::id).containsExactly(id);

    healAfter.set(0);
    assertThat(engine.engine().replay(id)).isTrue();
    assertThat(engine.engine().replay(id)).isFalse();
    eventually(() -> engine.engine().lookup(id).orElseThrow().state() == JobState.SUCCEEDED, "the replayed job succeeded");
    assertThat(engine.engine().deadLetters("t1", 10)).isEmpty();
  }

  @Test
  void permanentFailure_goesStraightToDeadLetters() throws Exception {
    engine.engine().register(FunctionSpec.newBuilder("fail").retry(FAST_RETRY).build(), 2, job -> {
      throw new PermanentFailureException("invalid phone number");
    });
    JobInfo info = await(enqueue("t1", "fail", EnqueueOptions.DEFAULTS));
    assertThat(info.state()).isEqualTo(JobState.DEAD);
    assertThat(info.attempts()).isEqualTo(1);
    assertThat(info.lastError()).isEqualTo("invalid phone number");
  }

  @Test
  void idempotencyKey_returnsFirstJob_andRunsOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    engine.engine().registerFunction(FunctionSpec.newBuilder("idem").build());
    EnqueueOptions o = EnqueueOptions.newBuilder().idempotencyKey("order-42 / any text é").build();
    EnqueueResult first = engine.engine().enqueue("t1", "idem", bytes("a"), o);
    EnqueueResult second = engine.engine().enqueue("t1", "idem", bytes("b"), o);
    EnqueueResult otherTenant = engine.engine().enqueue("t2", "idem", bytes("c"), o);
    assertThat(first.duplicate()).isFalse();
    assertThat(second.duplicate()).isTrue();
    assertThat(second.jobId()).isEqualTo(first.jobId());
    assertThat(otherTenant.duplicate()).isFalse();
    engine.engine().register(FunctionSpec.newBuilder("idem").build(), 2, job -> calls.incrementAndGet());
    await(first.jobId());
    await(otherTenant.jobId());
    assertThat(calls).hasValue(2);
  }

  @Test
  void enqueue_whenDelayOverflows_isRefused() {
    engine.engine().registerFunction(FunctionSpec.newBuilder("late").build());
    // now + 2^63-1 ms wrapped to a time in the past: the job ran at once instead of never.
    assertThatThrownBy(() -> enqueue("t1", "late",
        EnqueueOptions.newBuilder().delay(Duration.ofMillis(Long.MAX_VALUE)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay")
        .hasMessageContaining("3153600000000");
    assertThatThrownBy(() -> enqueue("t1", "late",
        EnqueueOptions.newBuilder().runAt(Instant.MAX).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runAt");
  }

  @Test
  void delayedJob_neverRunsEarly() throws Exception {
    Map<String, Instant> started = new ConcurrentHashMap<>();
    engine.engine().register(FunctionSpec.newBuilder("later").build(), 2, job -> started.put(job.id(), Instant.now()));
    Instant before = Instant.now();
    String id = enqueue("t1", "later",
        EnqueueOptions.newBuilder().delay(Duration.ofMillis(500)).priority(Duration.ofHours(1)).build());
    assertThat(engine.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.DELAYED);
    await(id);
    assertThat(Duration.between(before, started.get(id))).isGreaterThanOrEqualTo(Duration.ofMillis(490));
  }

  @Test
  void priority_jumpsAheadOfEarlierJobsInTheQueue() throws Exception {
    engine.engine().registerFunction(FunctionSpec.newBuilder("prio").build());
    String low1 = enqueue("t1", "prio", EnqueueOptions.DEFAULTS);
    String low2 = enqueue("t1", "prio", EnqueueOptions.DEFAULTS);
    String high = enqueue("t1", "prio", EnqueueOptions.newBuilder().priority(Duration.ofMinutes(1)).build());
    List<String> order = new CopyOnWriteArrayList<>();
    engine.engine().register(FunctionSpec.newBuilder("prio").build(), 1, job -> order.add(job.id()));
    await(low1);
    await(low2);
    await(high);
    assertThat(order).containsExactly(high, low1, low2);
  }

  @Test
  void pausedTenant_waits_whileOthersRun_untilResumed() throws Exception {
    engine.engine().register(FunctionSpec.newBuilder("p").build(), 4, job -> {});
    engine.engine().pauseTenant("sleepy");
    String paused = enqueue("sleepy", "p", EnqueueOptions.DEFAULTS);
    String other = enqueue("awake", "p", EnqueueOptions.DEFAULTS);
    await(other);
    Thread.sleep(100);
    assertThat(engine.engine().lookup(paused).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    engine.engine().resumeTenant("sleepy");
    assertThat(await(paused).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void pausedFunction_waits_untilResumed() throws Exception {
    engine.engine().register(FunctionSpec.newBuilder("pf").build(), 4, job -> {});
    engine.engine().register(FunctionSpec.newBuilder("other").build(), 4, job -> {});
    engine.engine().pauseFunction("pf");
    assertThat(engine.engine().isFunctionPaused("pf")).isTrue();
    String paused = enqueue("t1", "pf", EnqueueOptions.DEFAULTS);
    await(enqueue("t1", "other", EnqueueOptions.DEFAULTS));
    Thread.sleep(100);
    assertThat(engine.engine().lookup(paused).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    engine.engine().resumeFunction("pf");
    assertThat(await(paused).state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void pausedFunction_holdsForEveryEngineAtOnce_evenOneWhoseCacheSaysOtherwise() throws Exception {
    // A second engine on the namespace whose config cache would keep "not paused" for an hour.
    try (EngineRuntime other = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(namespace).idlePoll(Duration.ofMillis(5)).configCacheTtl(Duration.ofHours(1)).build())) {
      AtomicInteger ran = new AtomicInteger();
      other.engine().register(FunctionSpec.newBuilder("pf2").build(), 4, job -> ran.incrementAndGet());
      assertThat(await(enqueue("t1", "pf2", EnqueueOptions.DEFAULTS)).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(other.engine().isFunctionPaused("pf2")).isFalse(); // cached now, for an hour

      engine.engine().pauseFunction("pf2");
      List<String> held = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        held.add(enqueue("t" + (i % 4), "pf2", EnqueueOptions.DEFAULTS));
      }
      Thread.sleep(300); // the other engine keeps claiming for pf2 all this time
      assertThat(other.engine().isFunctionPaused("pf2")).as("its cache is stale").isFalse();
      assertThat(ran.get()).as("nothing ran after the pause returned").isEqualTo(1);
      for (String id : held) {
        assertThat(engine.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      }
      engine.engine().resumeFunction("pf2");
      for (String id : held) {
        assertThat(await(id).state()).isEqualTo(JobState.SUCCEEDED);
      }
      assertThat(ran.get()).isEqualTo(21);
    }
  }

  @Test
  void pausesMadeBeforeTheMirrorsExisted_areMirroredWhenAnEngineStarts() throws Exception {
    engine.engine().registerFunction(FunctionSpec.newBuilder("old").build());
    String id = enqueue("t1", "old", EnqueueOptions.DEFAULTS);
    try (var redis = REDIS.client()) {
      // As a namespace written before this build: the pause only in the config shard's set.
      redis.sadd(namespace + ":{c:0}:cfg:paused-functions", "old");
      redis.del(namespace + ":{c:0}:paused");
      redis.sadd(namespace + ":{c:0}:paused", "resumed-long-ago"); // a stale mirror entry
      try (EngineRuntime fresh = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
          .namespace(namespace).idlePoll(Duration.ofMillis(5)).build())) {
        assertThat(redis.smembers(namespace + ":{c:0}:paused")).containsExactly("old");
        fresh.engine().register(FunctionSpec.newBuilder("old").build(), 2, job -> {});
        Thread.sleep(200);
        assertThat(fresh.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        fresh.engine().resumeFunction("old");
        assertThat(fresh.engine().awaitCompletion(id, Duration.ofSeconds(20)).get(25, TimeUnit.SECONDS).state())
            .isEqualTo(JobState.SUCCEEDED);
      }
    }
  }

  @Test
  void cancel_queuedJob_neverRuns_andFinalJobsStay() throws Exception {
    engine.engine().registerFunction(FunctionSpec.newBuilder("c").build());
    String id = enqueue("t1", "c", EnqueueOptions.DEFAULTS);
    assertThat(engine.engine().cancel(id)).isTrue();
    assertThat(engine.engine().cancel(id)).isFalse();
    AtomicInteger calls = new AtomicInteger();
    engine.engine().register(FunctionSpec.newBuilder("c").build(), 1, job -> calls.incrementAndGet());
    String after = enqueue("t1", "c", EnqueueOptions.DEFAULTS);
    await(after);
    assertThat(calls).hasValue(1);
    assertThat(await(id).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void cancel_runningJob_freesItsSlot_andItsLateAckIsStale() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    engine.engine().register(FunctionSpec.newBuilder("rc").concurrencyLimit(1).build(), 2, job -> {
      if (job.payloadUtf8().equals("block")) {
        running.countDown();
        release.await();
      }
    });
    String blocked = engine.engine().enqueue("t1", "rc", bytes("block"), EnqueueOptions.DEFAULTS).jobId();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(engine.engine().lookup(blocked).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(engine.engine().cancel(blocked)).isTrue();
    // The function's single slot is free again although the handler still runs.
    String next = engine.engine().enqueue("t1", "rc", bytes("go"), EnqueueOptions.DEFAULTS).jobId();
    assertThat(await(next).state()).isEqualTo(JobState.SUCCEEDED);
    release.countDown();
    assertThat(engine.leases().complete(blocked, "1", new Outcome.Success(Duration.ZERO)))
        .as("a completion without the lease's token").isEqualTo(CompletionResult.UNKNOWN_JOB);
    assertThat(engine.engine().lookup(blocked).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void keyedConcurrency_blockedKeyDoesNotBlockOtherKeys() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowRunning = new AtomicInteger();
    AtomicInteger slowMax = new AtomicInteger();
    FunctionSpec spec = FunctionSpec.newBuilder("send").keyedLimit("provider", 2).build();
    engine.engine().register(spec, 16, job -> {
      if (job.concurrencyKeys().get("provider").equals("slow")) {
        slowMax.accumulateAndGet(slowRunning.incrementAndGet(), Math::max);
        try {
          release.await();
        } finally {
          slowRunning.decrementAndGet();
        }
      }
    });
    EnqueueOptions slow = EnqueueOptions.newBuilder().concurrencyKey("provider", "slow").build();
    EnqueueOptions fast = EnqueueOptions.newBuilder().concurrencyKey("provider", "fast").build();
    List<String> slowIds = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 6; i++) {
      slowIds.add(enqueue("t1", "send", slow));
    }
    eventually(() -> slowRunning.get() == 2, "two slow jobs run");
    for (int i = 0; i < 10; i++) {
      assertThat(await(enqueue("t1", "send", fast)).state()).isEqualTo(JobState.SUCCEEDED);
    }
    assertThat(slowMax).hasValue(2);
    release.countDown();
    for (String id : slowIds) {
      assertThat(await(id).state()).isEqualTo(JobState.SUCCEEDED);
    }
    assertThat(slowMax).hasValue(2);
  }

  @Test
  void longJob_keepsItsLease_byHeartbeats() throws Exception {
    // Three lease timeouts long: without heartbeats (every third of the timeout) it would be redelivered.
    FunctionSpec spec = FunctionSpec.newBuilder("long").leaseTimeout(Duration.ofSeconds(1)).build();
    AtomicInteger calls = new AtomicInteger();
    engine.engine().register(spec, 1, job -> {
      calls.incrementAndGet();
      Thread.sleep(3000);
    });
    JobInfo info = await(enqueue("t1", "long", EnqueueOptions.DEFAULTS));
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info.attempts()).isEqualTo(1);
    assertThat(calls).hasValue(1);
  }

  @Test
  void expiredLease_isRequeuedByTheScavenger_countingAnAttempt() throws Exception {
    FunctionSpec spec = FunctionSpec.newBuilder("lost").leaseTimeout(Duration.ofMillis(300)).build();
    engine.engine().registerFunction(spec);
    List<LeasedJob> swallowed = new CopyOnWriteArrayList<>();
    JobSink blackHole = new CreditedSink("lost", 1) {
      @Override
      public void deliver(LeasedJob job) {
        swallowed.add(job); // a worker that dies with the job
      }
    };
    engine.leases().attach(blackHole);
    String id = enqueue("t1", "lost", EnqueueOptions.DEFAULTS);
    eventually(() -> !swallowed.isEmpty(), "the job was delivered to the dying worker");
    engine.leases().detach(blackHole);
    engine.engine().register(spec, 1, job -> {});
    JobInfo info = await(id);
    assertThat(info.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(engine.leases().complete(id, "1", new Outcome.Success(Duration.ZERO)))
        .as("a completion without the lease's token").isEqualTo(CompletionResult.UNKNOWN_JOB);
  }

  @Test
  void everyWayAWatchedJobEnds_isAnnounced_andAwaitedAsALookupReadsIt() throws Exception {
    // Each end comes with the job's record (lua/includes/finish.lua): acks of a batch and
    // failures in one completeJobs message, a lease that expired on its last attempt in the
    // scavenger's, a cancel in its own. What an await answers must be what a lookup reads.
    FunctionSpec spec = FunctionSpec.newBuilder("ends").leaseTimeout(Duration.ofMillis(300)).build();
    engine.engine().registerFunction(spec);
    EnqueueOptions watched = EnqueueOptions.newBuilder().watched(true).build();
    EnqueueOptions once = EnqueueOptions.newBuilder().watched(true).maxAttempts(1).build();
    // Dies with its worker, on its only attempt: the scavenger ends it.
    List<LeasedJob> swallowed = new CopyOnWriteArrayList<>();
    JobSink blackHole = new CreditedSink("ends", 1) {
      @Override
      public void deliver(LeasedJob job) {
        swallowed.add(job);
      }
    };
    engine.leases().attach(blackHole);
    String lost = engine.engine().enqueue(JobRequest.newBuilder("t1", "ends").payload("lost")
        .maxAttempts(1).watched(true).header("x-note", "lost").build()).jobId();
    eventually(() -> !swallowed.isEmpty(), "the job was delivered to the dying worker");
    engine.leases().detach(blackHole);
    String cancelled = enqueue("t1", "ends", watched);
    assertThat(engine.engine().cancel(cancelled)).isTrue();
    List<String> ok = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ok.add(enqueue("t" + (i % 3), "ends", watched));
      failed.add(enqueue("t" + (i % 3), "ends", once));
    }
    Set<String> failing = Set.copyOf(failed);
    engine.engine().register(spec, 8, job -> {
      if (failing.contains(job.id())) {
        throw new IllegalStateException("no \"good\"\n\u00e9 " + job.id());
      }
    });
    List<String> all = new ArrayList<>(List.of(lost, cancelled));
    all.addAll(ok);
    all.addAll(failed);
    for (String id : all) {
      JobInfo awaited = await(id);
      assertThat(awaited).as(id).isEqualTo(engine.engine().lookup(id).orElseThrow());
    }
    assertThat(await(lost).state()).isEqualTo(JobState.DEAD);
    assertThat(await(lost).lastError()).isEqualTo("lease expired");
    assertThat(await(lost).headers()).containsEntry("x-note", "lost");
    assertThat(await(cancelled).state()).isEqualTo(JobState.CANCELLED);
    assertThat(await(ok.get(0)).state()).isEqualTo(JobState.SUCCEEDED);
    JobInfo dead = await(failed.get(0));
    assertThat(dead.state()).isEqualTo(JobState.DEAD);
    assertThat(dead.lastError()).contains("no \"good\"\n\u00e9 " + failed.get(0));
  }

  @Test
  void lateTenant_startsBeforeTheBigBacklogDrains() throws Exception {
    Map<String, Instant> firstStart = new ConcurrentHashMap<>();
    AtomicInteger bigDone = new AtomicInteger();
    engine.engine().register(FunctionSpec.newBuilder("io").build(), 4, job -> {
      firstStart.putIfAbsent(job.tenant(), Instant.now());
      Thread.sleep(2);
      if (job.tenant().equals("big")) {
        bigDone.incrementAndGet();
      }
    });
    List<JobRequest> backlog = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      backlog.add(new JobRequest("big", "io", bytes("b"), null));
    }
    engine.engine().enqueueBatch(backlog);
    eventually(() -> bigDone.get() > 50, "the big tenant is being served");
    List<String> late = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      late.add(enqueue("late", "io", EnqueueOptions.DEFAULTS));
    }
    for (String id : late) {
      await(id);
    }
    assertThat(bigDone.get()).as("big tenant jobs done when the late tenant finished").isLessThan(1500);
  }

  @Test
  void badInput_isRejected_withAClearMessage() {
    engine.engine().registerFunction(FunctionSpec.newBuilder("known").keyedLimit("provider", 1).build());
    assertThatThrownBy(() -> enqueue("t1", "unknown", EnqueueOptions.DEFAULTS))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown function 'unknown'");
    assertThatThrownBy(() -> enqueue("bad tenant:x", "known", EnqueueOptions.DEFAULTS))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tenant 'bad tenant:x' is invalid");
    assertThatThrownBy(() -> enqueue("t1", "known", EnqueueOptions.DEFAULTS))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("give a value for it");
    assertThatThrownBy(() -> engine.engine().enqueue("t1", "known", new byte[engine.engine().options().maxPayloadBytes() + 1],
        EnqueueOptions.newBuilder().concurrencyKey("provider", "p").build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("over the limit");
    assertThatThrownBy(() -> engine.engine().lookup("not-an-id"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a Croupier job id");
    assertThatThrownBy(() -> engine.engine().registerFunction(FunctionSpec.newBuilder("known").concurrencyLimit(3).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("different config");
  }

  @Test
  void tenantSettings_roundTrip() {
    assertThat(engine.engine().tenant("fresh")).isEqualTo(TenantSettings.DEFAULT);
    TenantSettings gold = new TenantSettings(4.0, 20, false);
    engine.engine().configureTenant("gold", gold);
    assertThat(engine.engine().tenant("gold")).isEqualTo(gold);
  }
}
