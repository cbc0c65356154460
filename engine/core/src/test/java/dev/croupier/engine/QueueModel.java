package dev.croupier.engine;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.internal.claim.ClaimDriver;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.lease.Scavenger;
import dev.croupier.engine.redis.RedisClients;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A simple model of what every job's state should be, run side by side with a real engine on a
 * fresh namespace. Each operation is applied to both and the engine's answer is checked against
 * the model's; {@link #verify()} then checks every job's state, the concurrency keys' live counts
 * (against the model and against the limits) and the index invariants.
 *
 * <p>Time is a {@link FakeClock} that moves only in {@link #advance}; claims run one round at a time
 * on the test thread through a {@link ClaimDriver} whose sink has credits only during
 * {@link #claim}; the scavenger sweeps only in {@link #sweep}. The engine's own claim threads have
 * no credits and its scavenger never fires, so nothing happens between operations.
 */
final class QueueModel implements AutoCloseable {

  static final List<String> TENANTS = List.of("t1", "t2", "t3");
  static final List<String> ACCOUNTS = List.of("a1", "a2", "a3");
  static final List<String> REGIONS = List.of("r1", "r2");
  static final Duration LEASE = Duration.ofSeconds(1);

  /** No limits; 3 attempts. */
  static final FunctionSpec PLAIN = FunctionSpec.newBuilder("plain").leaseTimeout(LEASE)
      .retry(noBackoff(3)).build();
  /** 2 in flight in all, 1 per tenant; 2 attempts. */
  static final FunctionSpec CAPPED = FunctionSpec.newBuilder("capped").concurrencyLimit(2).perTenantLimit(1)
      .leaseTimeout(LEASE).retry(noBackoff(2)).build();
  /** 3 in flight in all; 1 per account (the queue key) and 2 per region (checked per job). */
  static final FunctionSpec KEYED = FunctionSpec.newBuilder("keyed").concurrencyLimit(3)
      .keyedLimit("acct", 1).keyedLimit("region", 2).leaseTimeout(LEASE).retry(noBackoff(3)).build();
  static final List<FunctionSpec> FUNCTIONS = List.of(PLAIN, CAPPED, KEYED);

  /** t2 and t3 have tenant-wide limits. */
  static final Map<String, TenantSettings> PLANS = Map.of(
      "t1", TenantSettings.DEFAULT,
      "t2", TenantSettings.DEFAULT.withConcurrencyLimit(2),
      "t3", TenantSettings.DEFAULT.withWeight(3).withConcurrencyLimit(3));

  private static final byte[] PAYLOAD = "p".getBytes(StandardCharsets.UTF_8);

  enum St {
    WAITING, RETRYING, RUNNING, SUCCEEDED, DEAD, CANCELLED;

    boolean isFinal() {
      return this == SUCCEEDED || this == DEAD || this == CANCELLED;
    }
  }

  /** The model of one job. */
  static final class Job {
    final String id;
    final String tenant;
    final FunctionSpec fn;
    final Map<String, String> keys;
    final int originalMax;
    St st = St.WAITING;
    long runAt;
    /** Its score in its queue: run-at, minus the priority for a job due at enqueue. */
    long score;
    int attempts;
    int maxAttempts;
    long deadline;
    String leaseToken; // of its latest lease

    Job(String id, String tenant, FunctionSpec fn, Map<String, String> keys, long runAt, int maxAttempts) {
      this.id = id;
      this.tenant = tenant;
      this.fn = fn;
      this.keys = keys;
      this.runAt = runAt;
      this.maxAttempts = maxAttempts;
      this.originalMax = maxAttempts;
    }

    /** Its virtual queue: the first keyed limit's value is part of it. */
    String queue() {
      return tenant + ":" + fn.name() + (fn.queueKey() == null ? "" : ":" + keys.get(fn.queueKey().key()));
    }

    boolean live(long now) {
      return st == St.RUNNING && deadline > now;
    }

    @Override
    public String toString() {
      return id + "[" + tenant + "/" + fn.name() + keys + " " + st + " a=" + attempts + "/" + maxAttempts + "]";
    }
  }

  /** A delivery, identified as the engine identifies it: job id and lease token. */
  record Lease(String id, int attempt, String token) {}

  private final FakeClock clock = FakeClock.atNow();
  private final String namespace;
  private final EngineOptions options;
  private final EngineRuntime runtime;
  private final Engine engine;
  private final ClaimDriver driver;
  private final UnifiedJedis scavengerRedis;
  private final Scavenger scavenger;
  private final RedisClient redis;
  private final QueueModelSink sink = new QueueModelSink();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, String> idempotency = new HashMap<>();
  private final List<Lease> leases = new ArrayList<>();
  private final Set<String> seenTokens = new HashSet<>();
  private final Set<String> pausedTenants = new HashSet<>();
  private final Set<String> pausedFunctions = new HashSet<>();

  QueueModel(RedisServerExtension server) {
    this.namespace = server.newNamespace();
    this.options = EngineOptions.newBuilder().redisUrl(server.url()).namespace(namespace).shards(2)
        .claimThreads(1).maxBatch(3).capacityBackoff(Duration.ofMillis(5)).configCacheTtl(Duration.ofNanos(1))
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build();
    this.runtime = EngineRuntime.host(options);
    this.engine = runtime.engine();
    FUNCTIONS.forEach(engine::configureFunction);
    PLANS.forEach(engine::configureTenant);
    this.driver = new ClaimDriver(options, sink);
    this.scavengerRedis = RedisClients.pooled(server.url(), 2);
    this.scavenger = new Scavenger(new ScriptRegistry(scavengerRedis), new KeySchema(namespace, options.shards()),
        options, "model-scavenger", n -> { });
    this.redis = server.client();
  }

  private static RetryPolicy noBackoff(int maxAttempts) {
    return new RetryPolicy(maxAttempts, Duration.ZERO, 1.0, Duration.ZERO);
  }

  long now() {
    return clock.millis();
  }

  // ---- operations ----

  /** Enqueues a batch; duplicates (same tenant and idempotency key) must return the first id. */
  void enqueue(List<QueueModelProperties.Enqueue> batch) {
    List<JobRequest> requests = new ArrayList<>();
    for (QueueModelProperties.Enqueue e : batch) {
      FunctionSpec fn = FUNCTIONS.get(e.function());
      EnqueueOptions.Builder o = EnqueueOptions.newBuilder().delay(Duration.ofMillis(e.delayMs()))
          .priority(Duration.ofMillis(e.priorityMs())).maxAttempts(e.maxAttempts());
      if (e.idempotencyKey() != null) {
        o.idempotencyKey(e.idempotencyKey());
      }
      keysOf(fn, e).forEach(o::concurrencyKey);
      requests.add(new JobRequest(TENANTS.get(e.tenant()), fn.name(), PAYLOAD, o.build()));
    }
    List<EnqueueResult> results = engine.enqueueBatch(requests);
    assertThat(results).hasSize(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      QueueModelProperties.Enqueue e = batch.get(i);
      EnqueueResult r = results.get(i);
      String tenant = TENANTS.get(e.tenant());
      String first = e.idempotencyKey() == null ? null : idempotency.get(tenant + "/" + e.idempotencyKey());
      if (first != null) {
        assertThat(r).as("enqueue %s with a used idempotency key", e).isEqualTo(new EnqueueResult(first, true));
        continue;
      }
      assertThat(r.duplicate()).as("enqueue %s: duplicate", e).isFalse();
      assertThat(jobs).as("job ids are unique").doesNotContainKey(r.jobId());
      if (e.idempotencyKey() != null) {
        idempotency.put(tenant + "/" + e.idempotencyKey(), r.jobId());
      }
      FunctionSpec fn = FUNCTIONS.get(e.function());
      int max = e.maxAttempts() > 0 ? e.maxAttempts() : fn.retry().maxAttempts();
      Job j = new Job(r.jobId(), tenant, fn, keysOf(fn, e), now() + e.delayMs(), max);
      j.score = e.delayMs() == 0 ? j.runAt - e.priorityMs() : j.runAt;
      jobs.put(r.jobId(), j);
    }
  }

  private static Map<String, String> keysOf(FunctionSpec fn, QueueModelProperties.Enqueue e) {
    if (fn != KEYED) {
      return Map.of();
    }
    return Map.of("acct", ACCOUNTS.get(e.account()), "region", REGIONS.get(e.region()));
  }

  /** Runs {@code rounds} claim rounds with {@code credits} credits per function each; checks each delivery. */
  void claim(int credits, int rounds) {
    for (int i = 0; i < rounds; i++) {
      sink.grant(credits);
      driver.round();
      sink.grant(0);
      List<LeasedJob> round = sink.take();
      for (LeasedJob delivered : round) {
        delivered(delivered);
      }
      for (LeasedJob delivered : round) {
        checkOrder(jobs.get(delivered.id()));
      }
    }
  }

  /**
   * A queue hands out its due jobs in score order (priority first, then run-at, then id): no due
   * job of the same queue with a lower score is left behind. Not for functions with a secondary
   * keyed limit, whose blocked jobs are skipped on purpose.
   */
  private void checkOrder(Job taken) {
    if (taken.fn.keyedLimits().size() > 1) {
      return;
    }
    long now = now();
    List<Job> skipped = jobs.values().stream()
        .filter(j -> (j.st == St.WAITING || j.st == St.RETRYING) && j.queue().equals(taken.queue()))
        .filter(j -> j.score <= now && j.score < taken.score)
        .toList();
    assertThat(skipped).as("due jobs of queue %s with a lower score than %s (score %d), left behind",
        taken.queue(), taken, taken.score).isEmpty();
  }

  private void delivered(LeasedJob d) {
    Job j = jobs.get(d.id());
    assertThat(j).as("delivered job %s is known", d.id()).isNotNull();
    assertThat(j.st).as("state of %s when delivered", j).isIn(St.WAITING, St.RETRYING);
    assertThat(j.runAt).as("run-at of %s when delivered at %d (no job runs early)", j, now()).isLessThanOrEqualTo(now());
    assertThat(pausedTenants).as("paused tenants when %s was delivered", j).doesNotContain(j.tenant);
    assertThat(pausedFunctions).as("paused functions when %s was delivered", j).doesNotContain(j.fn.name());
    Lease lease = new Lease(d.id(), d.attempt(), d.leaseToken());
    assertThat(seenTokens).as("lease token of %s is new (a token is never handed out twice)", j)
        .doesNotContain(d.leaseToken());
    assertThat(d.attempt()).as("attempt of %s", j).isEqualTo(j.attempts + 1);
    assertThat(d.maxAttempts()).as("max attempts of %s", j).isEqualTo(j.maxAttempts);
    assertThat(d.tenant()).isEqualTo(j.tenant);
    assertThat(d.function()).isEqualTo(j.fn.name());
    assertThat(d.concurrencyKeys()).isEqualTo(j.keys);
    assertThat(d.deadline().toEpochMilli()).isEqualTo(now() + j.fn.leaseTimeout().toMillis());
    seenTokens.add(d.leaseToken());
    j.leaseToken = d.leaseToken();
    leases.add(lease);
    j.st = St.RUNNING;
    j.attempts = d.attempt();
    j.deadline = d.deadline().toEpochMilli();
  }

  /** Completes (or extends) a current lease, or a stale one, which the engine must refuse. */
  void complete(QueueModelProperties.Complete c) {
    List<Lease> from = c.stale() ? leases : currentLeases();
    if (from.isEmpty()) {
      return;
    }
    complete(c.kind(), pick(from, c.pick()), c.retryAfterMs());
  }

  private void complete(QueueModelProperties.Kind kind, Lease lease, long retryAfterMs) {
    Job j = jobs.get(lease.id());
    boolean latest = lease.token().equals(j.leaseToken);
    boolean current = j.st == St.RUNNING && latest
        // A lease that ran out may still be completed until a sweep requeues it, but not
        // extended: its slots count as free from its deadline on, and may be taken already.
        && (kind != QueueModelProperties.Kind.EXTEND || j.deadline > now());
    // The holder of the latest lease hears that it ended; holders of older leases are told
    // what anybody without the job's current token is told: no such job.
    CompletionResult expected = current ? CompletionResult.ACCEPTED
        : latest ? CompletionResult.STALE : CompletionResult.UNKNOWN_JOB;
    CompletionResult got = switch (kind) {
      case ACK -> runtime.leases().complete(lease.id(), lease.token(), new Outcome.Success(Duration.ofMillis(3)));
      case RETRY -> runtime.leases().complete(lease.id(), lease.token(), new Outcome.Retry(
          retryAfterMs < 0 ? null : Duration.ofMillis(retryAfterMs), "retry", Duration.ofMillis(1)));
      case FAIL -> runtime.leases().complete(lease.id(), lease.token(), new Outcome.Fail("fail", Duration.ZERO));
      case EXTEND -> runtime.leases().extendLease(lease.id(), lease.token());
    };
    assertThat(got).as("%s of lease %s of %s", kind, lease, j).isEqualTo(expected);
    if (!current) {
      return;
    }
    switch (kind) {
      case ACK -> j.st = St.SUCCEEDED;
      case RETRY -> failAttempt(j, now() + Math.max(0, retryAfterMs));
      case FAIL -> j.st = St.DEAD;
      case EXTEND -> j.deadline = now() + j.fn.leaseTimeout().toMillis();
    }
  }

  private void failAttempt(Job j, long retryAt) {
    if (j.attempts >= j.maxAttempts) {
      j.st = St.DEAD;
    } else {
      j.st = St.RETRYING;
      j.runAt = retryAt;
      j.score = retryAt;
    }
  }

  /** Cancels any job; only unfinished ones (dead included) can be. */
  void cancel(int pick) {
    if (jobs.isEmpty()) {
      return;
    }
    Job j = pick(new ArrayList<>(jobs.values()), pick);
    boolean expected = j.st != St.SUCCEEDED && j.st != St.CANCELLED;
    assertThat(engine.cancel(j.id)).as("cancel %s", j).isEqualTo(expected);
    if (expected) {
      j.st = St.CANCELLED;
    }
  }

  /** Replays a dead job (or tries another one, which must be refused). */
  void replay(int pick) {
    List<Job> dead = jobs.values().stream().filter(j -> j.st == St.DEAD).toList();
    List<Job> from = dead.isEmpty() || pick % 3 == 0 ? new ArrayList<>(jobs.values()) : dead;
    if (from.isEmpty()) {
      return;
    }
    Job j = pick(from, pick);
    boolean expected = j.st == St.DEAD;
    assertThat(engine.replay(j.id)).as("replay %s", j).isEqualTo(expected);
    if (expected) {
      // A replayed job gets its original number of attempts afresh; attempt numbers (the lease
      // tokens) keep counting, so no token of an earlier delivery becomes valid again.
      j.st = St.WAITING;
      j.runAt = now();
      j.score = now();
      j.maxAttempts = j.attempts + j.originalMax;
    }
  }

  /** Pauses or resumes a tenant or a function; a paused one gets no deliveries. */
  void pause(boolean tenant, int pick, boolean paused) {
    if (tenant) {
      String t = TENANTS.get(pick);
      if (paused) {
        engine.pauseTenant(t);
        pausedTenants.add(t);
      } else {
        engine.resumeTenant(t);
        pausedTenants.remove(t);
      }
      assertThat(engine.tenant(t).paused()).isEqualTo(paused);
    } else {
      String f = FUNCTIONS.get(pick).name();
      if (paused) {
        engine.pauseFunction(f);
        pausedFunctions.add(f);
      } else {
        engine.resumeFunction(f);
        pausedFunctions.remove(f);
      }
      assertThat(engine.isFunctionPaused(f)).isEqualTo(paused);
    }
  }

  /** Moves the fake clock; leases that run out stay running until a sweep. */
  void advance(long ms) {
    clock.advance(Duration.ofMillis(ms));
  }

  /** One scavenger sweep: every expired lease is retried now or, on its last attempt, dead. */
  void sweep() {
    long now = now();
    List<Job> expired = jobs.values().stream().filter(j -> j.st == St.RUNNING && j.deadline <= now).toList();
    assertThat(scavenger.sweep()).as("jobs swept at %d: %s", now, expired).isEqualTo(expired.size());
    expired.forEach(j -> failAttempt(j, now));
  }

  /**
   * Runs everything that is left to the end: acks every running job, moves time past holds and
   * delays, claims with plenty of credits, until no job is waiting or running. A job the engine
   * never hands out again is lost.
   */
  void drain() {
    for (int i = 0; i < TENANTS.size(); i++) {
      pause(true, i, false);
    }
    for (int i = 0; i < FUNCTIONS.size(); i++) {
      pause(false, i, false);
    }
    for (int i = 0; i < 300 && jobs.values().stream().anyMatch(j -> !j.st.isFinal()); i++) {
      for (Lease l : currentLeases()) {
        complete(QueueModelProperties.Kind.ACK, l, -1);
      }
      long nextDue = jobs.values().stream().filter(j -> j.st == St.WAITING || j.st == St.RETRYING)
          .mapToLong(j -> j.runAt).min().orElse(now());
      advance(Math.max(10, nextDue - now()));
      claim(20, 1);
      verify();
    }
    assertThat(jobs.values().stream().filter(j -> !j.st.isFinal()).toList())
        .as("jobs never handed out again (lost)").isEmpty();
  }

  // ---- checks ----

  /** Every job's state, the live concurrency counts and the index invariants agree with the model. */
  void verify() {
    long now = now();
    for (Job j : jobs.values()) {
      JobInfo info = engine.lookup(j.id).orElse(null);
      assertThat(info).as("lookup of %s", j).isNotNull();
      assertThat(info.state()).as("state of %s at %d", j, now).isEqualTo(expectedState(j, now));
      assertThat(info.attempts()).as("attempts of %s", j).isEqualTo(j.attempts);
      assertThat(info.maxAttempts()).as("max attempts of %s", j).isEqualTo(j.maxAttempts);
    }
    checkSlots(now);
    IndexInvariants.check(redis, namespace, options.shards());
  }

  private static JobState expectedState(Job j, long now) {
    return switch (j.st) {
      case WAITING -> j.runAt > now ? JobState.DELAYED : JobState.QUEUED;
      case RETRYING -> JobState.FAILED;
      case RUNNING -> JobState.RUNNING;
      case SUCCEEDED -> JobState.SUCCEEDED;
      case DEAD -> JobState.DEAD;
      case CANCELLED -> JobState.CANCELLED;
    };
  }

  /**
   * Per concurrency key: live leases in the model <= its limit, and == its live count in Redis
   * (which is 0 for keys without a limit: those are not tracked).
   */
  private void checkSlots(long now) {
    KeySchema keys = new KeySchema(namespace, options.shards());
    Map<String, Integer> limits = new TreeMap<>();
    Map<String, Integer> live = new HashMap<>();
    for (Job j : jobs.values()) {
      int shard = keys.shardOf(j.tenant);
      scopes(j).forEach((suffix, limit) -> {
        String key = keys.slots(shard, suffix);
        limits.put(key, limit);
        if (j.live(now)) {
          live.merge(key, 1, Integer::sum);
        }
      });
    }
    limits.forEach((key, limit) -> {
      int inModel = live.getOrDefault(key, 0);
      if (limit > 0) {
        assertThat(inModel).as("jobs in flight on %s (limit %d) at %d: %s", key, limit, now,
            jobs.values().stream().filter(j -> j.live(now)).toList()).isLessThanOrEqualTo(limit);
      }
      // Only keys with a limit are tracked in Redis: an unlimited key costs nothing.
      long expected = limit > 0 ? inModel : 0;
      assertThat(redis.zcount(key, "(" + now, "+inf")).as("live count of %s", key).isEqualTo(expected);
    });
  }

  /** The concurrency keys a job holds while running, with their limits (0 = unlimited). */
  private static Map<String, Integer> scopes(Job j) {
    Map<String, Integer> m = new LinkedHashMap<>();
    String fn = j.fn.name();
    m.put(KeySchema.functionSlots(fn), j.fn.concurrencyLimit());
    m.put(KeySchema.tenantFunctionSlots(j.tenant, fn), j.fn.perTenantLimit());
    m.put(KeySchema.tenantSlots(j.tenant), PLANS.get(j.tenant).concurrencyLimit());
    for (KeyedLimit k : j.fn.keyedLimits()) {
      m.put(KeySchema.keySlots(fn, k.key(), j.keys.get(k.key())), k.limit());
    }
    return m;
  }

  private List<Lease> currentLeases() {
    List<Lease> out = new ArrayList<>();
    for (Job j : jobs.values()) {
      if (j.st == St.RUNNING) {
        out.add(new Lease(j.id, j.attempts, j.leaseToken));
      }
    }
    return out;
  }

  private static <T> T pick(List<T> from, int pick) {
    return from.get(Math.floorMod(pick, from.size()));
  }

  @Override
  public void close() {
    try {
      driver.close();
      scavengerRedis.close();
      redis.close();
    } finally {
      engine.close();
    }
  }
}
