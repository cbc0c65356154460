package dev.croupier.engine;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobContext;
import dev.croupier.api.JobHandler;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.Await;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Races between claimers, engines and the scavenger on one namespace: limits hold under
 * contention, an expired lease moves to another engine and its late ack is refused, and an
 * engine that dies mid-job loses nothing.
 */
class ConcurrencyStressTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration LONG_LEASE = Duration.ofSeconds(30);
  /** 6 in flight in all, 3 per tenant, 2 per provider (the queue key). */
  private static final FunctionSpec IO = FunctionSpec.newBuilder("io").concurrencyLimit(6).perTenantLimit(3)
      .keyedLimit("provider", 2).leaseTimeout(LONG_LEASE).build();
  /** No limits of its own: only the tenants' limits bound it. */
  private static final FunctionSpec MAIL = FunctionSpec.newBuilder("mail").leaseTimeout(LONG_LEASE).build();
  private static final Map<String, Integer> TENANT_LIMITS = Map.of("A", 2, "B", 3, "C", 0, "D", 4);
  private static final List<String> PROVIDERS = List.of("p1", "p2", "p3", "p4");
  private static final int IO_JOBS_PER_TENANT = 300;
  private static final int MAIL_JOBS_PER_TENANT = 100;

  @Test
  void claimers_underContention_neverExceedLimits_andRunEveryJobExactlyOnce() throws Exception {
    claimersKeepLimits_andRunEveryJobOnce(4, ConcurrencyStressTest::enqueueAll);
  }

  @Test
  void pacedEnqueues_claimedInTheirOwnRoundTrips_keepLimits_andRunEveryJobExactlyOnce() throws Exception {
    // One loop per engine and enqueues a few at a time with pauses: the loops are often all
    // waiting, so enqueues claim in their own round trips (ClaimOnEnqueue) beside the other
    // engine's loop and its enqueues.
    claimersKeepLimits_andRunEveryJobOnce(1, ConcurrencyStressTest::enqueuePaced);
  }

  @Test
  void splitClaims_underContention_neverExceedLimits_andRunEveryJobExactlyOnce() throws Exception {
    // A zero time budget stops every claim after its first pick that leased something, so the
    // next claim on that function goes as two calls (SplitClaims), from four loops in each engine.
    claimersKeepLimits_andRunEveryJobOnce(4, ConcurrencyStressTest::enqueueAll, Duration.ZERO);
  }

  /** How a test enqueues its jobs through two engines; the ids stored. */
  private interface Enqueueing {
    List<String> enqueue(Engine one, Engine two) throws InterruptedException;
  }

  private void claimersKeepLimits_andRunEveryJobOnce(int claimThreads, Enqueueing enqueueing) throws Exception {
    claimersKeepLimits_andRunEveryJobOnce(claimThreads, enqueueing, EngineOptions.DEFAULT_SCRIPT_BUDGET);
  }

  private void claimersKeepLimits_andRunEveryJobOnce(int claimThreads, Enqueueing enqueueing, Duration scriptBudget)
      throws Exception {
    String ns = REDIS.newNamespace();
    Map<String, Integer> limits = limits();
    Limits inProcess = new Limits(limits);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger finished = new AtomicInteger();
    JobHandler handler = job -> {
      runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
      List<String> scopes = scopes(job.tenant(), job.function(), job.concurrencyKeys().get("provider"));
      inProcess.enter(scopes, job);
      try {
        Thread.sleep(1 + ThreadLocalRandom.current().nextInt(3));
      } finally {
        inProcess.exit(scopes);
        finished.incrementAndGet();
      }
    };
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .claimThreads(claimThreads).scriptBudget(scriptBudget).build();
    List<String> ids = new ArrayList<>();
    LimitSampler sampler;
    try (EngineRuntime one = EngineRuntime.host(options); EngineRuntime two = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      TENANT_LIMITS.forEach((t, n) -> one.engine().configureTenant(t, TenantSettings.DEFAULT.withConcurrencyLimit(n)));
      for (Engine e : List.of(one.engine(), two.engine())) {
        e.register(IO, 8, handler);
        e.register(MAIL, 8, handler);
      }
      sampler = new LimitSampler(redis, ns, limits);
      sampler.start();
      try {
        ids.addAll(enqueueing.enqueue(one.engine(), two.engine()));
        Await.until(Duration.ofSeconds(60), () -> finished.get() + " of " + ids.size() + " jobs finished",
            () -> finished.get() >= ids.size());
        Await.until(Duration.ofSeconds(10), "every completion recorded",
            () -> ids.stream().allMatch(id -> one.engine().lookup(id).orElseThrow().state() == JobState.SUCCEEDED));
      } finally {
        sampler.stop();
      }
      for (String id : ids) {
        assertThat(two.engine().lookup(id).orElseThrow().attempts()).as("attempts of %s", id).isEqualTo(1);
      }
    }

    assertThat(sampler.violations).as("limits exceeded in Redis (sampled)").isEmpty();
    assertThat(inProcess.violations).as("limits exceeded in handlers").isEmpty();
    assertThat(sampler.samples.get()).as("samples taken").isGreaterThan(100);
    assertThat(sampler.maxSeen.get()).as("most jobs in flight seen by the sampler on one key").isPositive();
    assertThat(inProcess.peak(KeySchema.functionSlots(IO.name()))).as("peak io concurrency in handlers")
        .isBetween(2, IO.concurrencyLimit());
    assertThat(runs.keySet()).as("jobs that ran").containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runs.entrySet().stream().filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey).toList())
        .as("jobs that ran more than once").isEmpty();
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, ns, 1);
    }
  }

  /** Enqueues from both engines at once, in batches, while both claim. */
  private static List<String> enqueueAll(Engine one, Engine two) throws InterruptedException {
    return enqueueFromBoth(one, two, 25, false);
  }

  /** Enqueues from both engines at once, one to three jobs at a time with pauses of up to 2 ms. */
  private static List<String> enqueuePaced(Engine one, Engine two) throws InterruptedException {
    return enqueueFromBoth(one, two, 3, true);
  }

  private static List<String> enqueueFromBoth(Engine one, Engine two, int batch, boolean paced)
      throws InterruptedException {
    List<JobRequest> all = new ArrayList<>();
    for (int i = 0; i < IO_JOBS_PER_TENANT; i++) {
      for (String t : TENANT_LIMITS.keySet()) {
        all.add(new JobRequest(t, IO.name(), bytes(t + i), EnqueueOptions.newBuilder()
            .concurrencyKey("provider", PROVIDERS.get(i % PROVIDERS.size())).build()));
        if (i < MAIL_JOBS_PER_TENANT) {
          all.add(new JobRequest(t, MAIL.name(), bytes(t + i), null));
        }
      }
    }
    Queue<String> ids = new ConcurrentLinkedQueue<>();
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      Engine e = p == 0 ? one : two;
      List<JobRequest> mine = new ArrayList<>();
      for (int i = p; i < all.size(); i += 2) {
        mine.add(all.get(i));
      }
      producers.add(Thread.ofPlatform().start(() -> {
        for (int from = 0; from < mine.size(); ) {
          int n = paced ? 1 + ThreadLocalRandom.current().nextInt(batch) : batch;
          e.enqueueBatch(mine.subList(from, Math.min(mine.size(), from + n)))
              .forEach(r -> ids.add(r.jobId()));
          from += n;
          if (paced) {
            java.util.concurrent.locks.LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
          }
        }
      }));
    }
    for (Thread t : producers) {
      t.join();
    }
    assertThat(ids).hasSize(all.size()).doesNotHaveDuplicates();
    return List.copyOf(ids);
  }

  @Test
  void claimersAndScavenger_withLeasesExpiringUnderLoad_keepLimits_andAcceptOneAckPerJob() throws Exception {
    String ns = REDIS.newNamespace();
    // The same limits as IO, with short leases: some first attempts hang past them.
    FunctionSpec flaky = IO.toBuilder().leaseTimeout(Duration.ofMillis(200))
        .retry(new RetryPolicy(10, Duration.ZERO, 1.0, Duration.ZERO)).build();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).claimThreads(4)
        .scavengeInterval(Duration.ofMillis(50)).build();
    FlakyWorkers.Shared shared = new FlakyWorkers.Shared();
    List<String> ids = new ArrayList<>();
    LimitSampler sampler;
    try (EngineRuntime one = EngineRuntime.host(options); EngineRuntime two = EngineRuntime.host(options); RedisClient redis = REDIS.client();
        FlakyWorkers w1 = new FlakyWorkers(one.leases(), flaky.name(), 8, shared);
        FlakyWorkers w2 = new FlakyWorkers(two.leases(), flaky.name(), 8, shared)) {
      TENANT_LIMITS.forEach((t, n) -> one.engine().configureTenant(t, TenantSettings.DEFAULT.withConcurrencyLimit(n)));
      one.engine().configureFunction(flaky);
      sampler = new LimitSampler(redis, ns, limits());
      sampler.start();
      try {
        one.leases().attach(w1);
        two.leases().attach(w2);
        List<JobRequest> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          for (String t : TENANT_LIMITS.keySet()) {
            batch.add(new JobRequest(t, flaky.name(), bytes(t + i), EnqueueOptions.newBuilder()
                .concurrencyKey("provider", PROVIDERS.get(i % PROVIDERS.size())).build()));
          }
        }
        one.engine().enqueueBatch(batch).forEach(r -> ids.add(r.jobId()));
        Await.until(Duration.ofSeconds(60),
            () -> shared.accepted.size() + " of " + ids.size() + " jobs acked; zombies " + shared.zombies,
            () -> ids.stream().allMatch(id -> one.engine().lookup(id).orElseThrow().state() == JobState.SUCCEEDED)
                && shared.zombies.isEmpty());
      } finally {
        sampler.stop();
        one.leases().detach(w1);
        two.leases().detach(w2);
      }
    }

    assertThat(sampler.violations).as("limits exceeded in Redis (sampled)").isEmpty();
    assertThat(sampler.samples.get()).as("samples taken").isGreaterThan(50);
    assertThat(shared.hung.get()).as("first attempts that hung past their lease").isPositive();
    assertThat(shared.lateAcks).as("late acks of hung first attempts, each after its job was redelivered"
        + " (an older lease's token is refused like a missing job)")
        .hasSize(shared.hung.get()).containsOnly(CompletionResult.UNKNOWN_JOB);
    assertThat(shared.accepted.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(shared.accepted.entrySet().stream().filter(e -> e.getValue().get() != 1).toList())
        .as("jobs with more than one accepted ack").isEmpty();
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void expiredLease_isRequeuedToAnotherEngine_andTheLateAckOfTheFirstAttemptIsStale() throws Exception {
    String ns = REDIS.newNamespace();
    FunctionSpec slow = FunctionSpec.newBuilder("slow").leaseTimeout(Duration.ofMillis(300))
        .retry(new RetryPolicy(3, Duration.ZERO, 1.0, Duration.ZERO)).build();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .scavengeInterval(Duration.ofMillis(50)).build();
    HoldingSink stalled = new HoldingSink(slow.name(), 1);
    HoldingSink healthy = new HoldingSink(slow.name(), 0);
    try (EngineRuntime first = EngineRuntime.host(options); EngineRuntime second = EngineRuntime.host(options)) {
      first.engine().configureFunction(slow);
      first.leases().attach(stalled);
      String id = first.engine().enqueue("t1", slow.name(), bytes("x"), EnqueueOptions.DEFAULTS).jobId();
      LeasedJob attempt1 = stalled.next();
      assertThat(attempt1.attempt()).isEqualTo(1);

      // The first worker hangs without heartbeats. Redeliveries get a long lease, so the second
      // engine keeps its lease for the rest of the test however slow the machine is.
      second.engine().configureFunction(slow.toBuilder().leaseTimeout(LONG_LEASE).build());
      second.leases().attach(healthy);
      healthy.grant(1);
      LeasedJob attempt2 = healthy.next();
      assertThat(attempt2.id()).isEqualTo(id);
      assertThat(attempt2.attempt()).isEqualTo(2);
      assertThat(stalled.delivered()).as("deliveries to the stalled engine").isEqualTo(1);

      assertThat(first.leases().complete(id, attempt1.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .as("late ack of the expired first attempt").isEqualTo(CompletionResult.UNKNOWN_JOB);
      assertThat(first.leases().extendLease(id, attempt1.leaseToken())).isEqualTo(CompletionResult.UNKNOWN_JOB);
      JobInfo running = second.engine().lookup(id).orElseThrow();
      assertThat(running.state()).isEqualTo(JobState.RUNNING);
      assertThat(running.attempts()).isEqualTo(2);

      assertThat(second.leases().complete(id, attempt2.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .isEqualTo(CompletionResult.ACCEPTED);
      assertThat(second.leases().complete(id, attempt2.leaseToken(), new Outcome.Success(Duration.ZERO)))
          .as("second ack of the same lease").isEqualTo(CompletionResult.STALE);
      assertThat(first.leases().complete(id, attempt1.leaseToken(), new Outcome.Retry(null, "late", Duration.ZERO)))
          .isEqualTo(CompletionResult.UNKNOWN_JOB);
      assertThat(second.engine().lookup(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
      first.leases().detach(stalled);
      second.leases().detach(healthy);
    }
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void engineClosedMidJob_losesNothing_andAnotherEngineFinishesEverything() throws Exception {
    String ns = REDIS.newNamespace();
    // Time moves only when the test says, so no lease runs out before the first engine is gone.
    FakeClock clock = FakeClock.atNow();
    FunctionSpec work = FunctionSpec.newBuilder("work").leaseTimeout(Duration.ofMillis(400)).build();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns)
        .claimThreads(2).scavengeInterval(Duration.ofMillis(50)).clock(clock).build();
    int jobs = 30;
    HoldingSink swallowing = new HoldingSink(work.name(), jobs);
    List<String> ids = new ArrayList<>();
    try (EngineRuntime doomed = EngineRuntime.host(options)) {
      doomed.engine().configureFunction(work);
      doomed.leases().attach(swallowing);
      for (int i = 0; i < jobs; i++) {
        ids.add(doomed.engine().enqueue("t" + (i % 3), work.name(), bytes("j" + i), EnqueueOptions.DEFAULTS).jobId());
      }
      Await.until(Duration.ofSeconds(20), () -> swallowing.delivered() + " of " + jobs + " jobs taken",
          () -> swallowing.delivered() == jobs);
    } // closed with every job leased and none completed: as if the node died

    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    FunctionSpec longLease = work.toBuilder().leaseTimeout(LONG_LEASE).build();
    try (Engine survivor = EngineRuntime.start(options); RedisClient redis = REDIS.client()) {
      survivor.configureFunction(longLease);
      survivor.register(longLease, 8, job -> runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet());
      clock.advance(Duration.ofSeconds(1)); // the dead engine's leases run out
      Await.until(Duration.ofSeconds(30), () -> runs.size() + " of " + jobs + " jobs rerun",
          () -> ids.stream().allMatch(id -> survivor.lookup(id).orElseThrow().state() == JobState.SUCCEEDED));
      for (String id : ids) {
        assertThat(survivor.lookup(id).orElseThrow().attempts()).as("attempts of %s", id).isEqualTo(2);
      }
      assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(runs.values()).allSatisfy(n -> assertThat(n).hasValue(1));
      survivor.unregister(work.name());
    }
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, ns, 1);
    }
  }

  @Test
  void cancelsRacingClaims_onLongQueues_runNoCancelledQueuedJob_andLeaveNothingBehind() throws Exception {
    cancelsRacingClaims(EngineOptions.DEFAULT_STATUS_RETENTION);
  }

  /**
   * The same with no status records kept: a cancelled or succeeded job's record goes at once,
   * also a cancelled job's still marked inside a list (the claim that reaches it finds no record).
   */
  @Test
  void cancelsRacingClaims_keepingNoStatusRecords_runEveryJobAtMostOnce_andLeaveNoRecordBehind() throws Exception {
    cancelsRacingClaims(Duration.ZERO);
  }

  private void cancelsRacingClaims(Duration statusRetention) throws Exception {
    boolean records = !statusRetention.isZero();
    String ns = REDIS.newNamespace();
    FunctionSpec work = FunctionSpec.newBuilder("work").leaseTimeout(LONG_LEASE).build();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).claimThreads(2)
        .statusRetention(statusRetention).build();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobHandler handler = job -> {
      runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(ThreadLocalRandom.current().nextInt(2));
    };
    int jobs = 1_600;
    List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
    try (EngineRuntime one = EngineRuntime.host(options); EngineRuntime two = EngineRuntime.host(options)) {
      one.engine().configureFunction(work);
      for (Engine e : List.of(one.engine(), two.engine())) {
        e.register(work, 4, handler);
      }
      // Four tenants, so each queue's list is hundreds long; every third job is cancelled while
      // the claims run, most of them inside a list (marked, then dropped by a claim), some at an
      // end or already running or finished.
      Thread producer = Thread.ofPlatform().start(() -> {
        for (int from = 0; from < jobs; from += 50) {
          List<JobRequest> batch = new ArrayList<>();
          for (int i = from; i < from + 50; i++) {
            batch.add(new JobRequest("t" + (i % 4), work.name(), bytes("j" + i), null));
          }
          one.engine().enqueueBatch(batch).forEach(r -> ids.add(r.jobId()));
        }
      });
      Thread canceller = Thread.ofPlatform().start(() -> {
        int next = 0;
        while (next < jobs) {
          if (next < ids.size()) {
            String id = ids.get(next);
            if (next % 3 == 0) {
              cancelled.put(id, two.engine().cancel(id));
            }
            next++;
          } else {
            Thread.onSpinWait();
          }
        }
      });
      producer.join();
      canceller.join();
      if (!records) {
        // Every record goes as its job ends: nothing is left once each job ran or was cancelled.
        Await.until(Duration.ofSeconds(60), () -> "every job's record gone",
            () -> ids.stream().allMatch(id -> one.engine().lookup(id).isEmpty()));
        for (String id : ids) {
          int ran = runs.getOrDefault(id, new AtomicInteger()).get();
          assertThat(ran).as("runs of %s", id).isLessThanOrEqualTo(1);
          if (!cancelled.getOrDefault(id, false)) {
            assertThat(ran).as("runs of %s (not cancelled, or cancelled after it finished)", id).isEqualTo(1);
          }
        }
        assertThat(cancelled.values()).as("cancels that found the job queued or running").contains(true);
        assertThat(ids.stream().filter(id -> cancelled.getOrDefault(id, false)
            && runs.getOrDefault(id, new AtomicInteger()).get() == 0)).as("jobs cancelled before they ran")
            .isNotEmpty();
      }
      Await.until(Duration.ofSeconds(60), () -> "every job final",
          () -> ids.stream().allMatch(id -> one.engine().lookup(id).map(i -> i.state() != JobState.QUEUED
              && i.state() != JobState.RUNNING).orElse(!records)));
      for (String id : records ? ids : List.<String>of()) {
        JobState st = one.engine().lookup(id).orElseThrow().state();
        int ran = runs.getOrDefault(id, new AtomicInteger()).get();
        assertThat(ran).as("runs of %s", id).isLessThanOrEqualTo(1);
        Boolean cancel = cancelled.get(id);
        if (cancel == null || !cancel) {
          assertThat(st).as("state of %s (not cancelled, or cancelled after it finished)", id).isEqualTo(JobState.SUCCEEDED);
          assertThat(ran).as("runs of %s", id).isEqualTo(1);
        } else {
          assertThat(st).as("state of %s", id).isEqualTo(JobState.CANCELLED);
          if (one.engine().lookup(id).orElseThrow().attempts() == 0) {
            assertThat(ran).as("runs of %s, cancelled while queued", id).isZero();
          }
        }
      }
      assertThat(cancelled.values()).as("cancels that found the job queued or running").contains(true);
      one.engine().unregister(work.name());
      two.engine().unregister(work.name());
    }
    try (RedisClient redis = REDIS.client()) {
      IndexInvariants.check(redis, ns, 1);
      assertThat(redis.keys(ns + ":*:ql:*")).as("queue lists left").isEmpty();
      assertThat(redis.keys(ns + ":*:qx:*")).as("cancelled marks left").isEmpty();
      if (!records) {
        assertThat(redis.keys(ns + ":*:job:*")).as("job records left").isEmpty();
      }
    }
  }

  // ---- limits and the scopes a job counts against ----

  /** Limit per scope; a scope is also the suffix of its concurrency key in Redis. */
  private static Map<String, Integer> limits() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(KeySchema.functionSlots(IO.name()), IO.concurrencyLimit());
    TENANT_LIMITS.forEach((t, n) -> {
      m.put(KeySchema.tenantFunctionSlots(t, IO.name()), IO.perTenantLimit());
      if (n > 0) {
        m.put(KeySchema.tenantSlots(t), n);
      }
    });
    for (String p : PROVIDERS) {
      m.put(KeySchema.keySlots(IO.name(), "provider", p), 2);
    }
    return m;
  }

  private static List<String> scopes(String tenant, String function, String provider) {
    List<String> s = new ArrayList<>();
    s.add(KeySchema.tenantSlots(tenant));
    if (function.equals(IO.name())) {
      s.add(KeySchema.functionSlots(IO.name()));
      s.add(KeySchema.tenantFunctionSlots(tenant, IO.name()));
      s.add(KeySchema.keySlots(IO.name(), "provider", provider));
    }
    return s;
  }

  /** Jobs running in this process per scope, checked against the limits as each handler starts. */
  private static final class Limits {
    private final Map<String, Integer> limits;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();
    final Queue<String> violations = new ConcurrentLinkedQueue<>();

    Limits(Map<String, Integer> limits) {
      this.limits = limits;
    }

    void enter(List<String> scopes, JobContext job) {
      if (job.attempt() != 1) {
        violations.add("job " + job.id() + " delivered with attempt " + job.attempt());
      }
      for (String s : scopes) {
        int n = running.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
        peaks.computeIfAbsent(s, k -> new AtomicInteger()).accumulateAndGet(n, Math::max);
        Integer limit = limits.get(s);
        if (limit != null && n > limit && violations.size() < 50) {
          violations.add(n + " handlers running on " + s + " (limit " + limit + ")");
        }
      }
    }

    void exit(List<String> scopes) {
      scopes.forEach(s -> running.get(s).decrementAndGet());
    }

    int peak(String scope) {
      return peaks.getOrDefault(scope, new AtomicInteger()).get();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
