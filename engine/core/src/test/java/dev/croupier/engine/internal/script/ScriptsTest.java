package dev.croupier.engine.internal.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.RetryKeys;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.claim.Claimer;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/** The Lua scripts against a real Redis, driven one call at a time with a fake clock. */
class ScriptsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private final FakeClock clock = FakeClock.atNow();
  private RedisClient redis;
  private KeySchema keys;
  private ScriptRegistry scripts;
  private ConfigStore config;
  private Enqueuer enqueuer;
  private Claimer claimer;
  private EngineOptions options;
  private static final Duration WHOLE_CALL = Duration.ofSeconds(1);

  @BeforeEach
  void setUp() {
    redis = REDIS.client();
    // A call here does all its work: a machine that pauses Redis must not cut a claim short
    // (the budget's own tests set it to zero).
    options = REDIS.newOptions().clock(clock).scriptBudget(WHOLE_CALL)
        .capacityBackoff(Duration.ofSeconds(5)).build();
    keys = new KeySchema(options.namespace(), 1);
    scripts = new ScriptRegistry(redis);
    config = new ConfigStore(redis, keys, Duration.ofSeconds(2));
    enqueuer = new Enqueuer(scripts, keys, config, options);
    claimer = new Claimer(scripts, keys, options);
  }

  @AfterEach
  void tearDown() {
    IndexInvariants.check(redis, options.namespace(), 1);
    enqueuer.close();
    redis.close();
  }

  /** The jobs in a queue: its sorted set's and its list's. */
  private long queued(String queueId) {
    return redis.zcard(keys.queue(0, queueId)) + redis.llen(keys.queueList(0, queueId));
  }

  private String enqueue(String tenant, String function) {
    return enqueue(tenant, function, EnqueueOptions.DEFAULTS);
  }

  private String enqueue(String tenant, String function, EnqueueOptions o) {
    return enqueuer.enqueue(List.of(new JobRequest(tenant, function, new byte[] {1}, o))).get(0).jobId();
  }

  private Replies.Claimed claim(FunctionSpec spec, int want) {
    return claimer.claim(List.of(new Claimer.Request(0, spec, want)), clock.millis()).get(0);
  }

  /** One completion of {@code job}'s lease through completeJobs: outcome s, r or f. */
  private ReplyCode complete(LeasedJob job, String outcome, long costMs) {
    return complete(job.id(), job.leaseToken(), outcome, costMs);
  }

  /** One completion through completeJobs, presenting {@code leaseToken}. */
  private ReplyCode complete(String id, String leaseToken, String outcome, long costMs) {
    List<Object[]> one = new ArrayList<>();
    one.add(new Object[] {id, leaseToken, outcome, costMs});
    return complete(one).get(0);
  }

  private List<ReplyCode> complete(List<Object[]> jobs) {
    return complete(jobs, 60_000);
  }

  /** A batch through completeJobs with status retention {@code retentionMs} (0: keep none). */
  private List<ReplyCode> complete(List<Object[]> jobs, long retentionMs) {
    Args a = Args.of().add(keys.prefix(0)).add(clock.millis()).add(retentionMs).add(3_600_000).add(1)
        .add(options.scriptBudgetMicros());
    for (Object[] j : jobs) {
      a.add((String) j[0]).add((String) j[1]).add((String) j[2]).add((Long) j[3]).add(-1).add("err").add("0.5");
    }
    return Replies.codes(scripts.run(Script.COMPLETE_JOBS, Args.of().add(keys.inflight(0)).list(), a.list()));
  }

  private double tenantTime(String tenant) {
    return Double.parseDouble(redis.hget(keys.tenantTime(0, tenant), "v"));
  }

  @Test
  void enqueue_readiesTheQueueAndTheTenant() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    enqueue("t1", "f");
    assertThat(redis.zscore(keys.tenantReady(0, "t1", "f"), "t1:f")).isNotNull();
    assertThat(redis.zscore(keys.ready(0, "f"), "t1")).isNotNull();
    assertThat(redis.smembers(keys.tenantFunctions(0, "t1"))).containsExactly("f");
  }

  @Test
  void claim_leasesJobsInOrder_andLeavesNothingIndexedWhenTheQueueDrains() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String a = enqueue("t1", "f");
    String b = enqueue("t1", "f");
    Replies.Claimed c = claim(spec, 10);
    assertThat(c.code()).isEqualTo(ReplyCode.OK);
    assertThat(c.jobs()).extracting(LeasedJob::id).containsExactly(a, b);
    assertThat(c.jobs()).extracting(LeasedJob::attempt).containsOnly(1);
    assertThat(c.jobs()).extracting(LeasedJob::tenant).containsOnly("t1");
    assertThat(redis.zcard(keys.inflight(0))).isEqualTo(2);
    assertThat(redis.exists(keys.tenantReady(0, "t1", "f"))).isFalse();
    assertThat(redis.zscore(keys.ready(0, "f"), "t1")).isNull();
  }

  @Test
  void claim_servesTheLowestVirtualTimeFirst_soWeightsGiveExactShares() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    config.configureTenant("heavy", new TenantSettings(3.0, 0, false));
    for (int i = 0; i < 40; i++) {
      enqueue("light", "f");
      enqueue("heavy", "f");
    }
    Map<String, Integer> served = new HashMap<>();
    for (int round = 0; round < 8; round++) {
      for (LeasedJob j : claim(spec, 4).jobs()) {
        served.merge(j.tenant(), 1, Integer::sum);
      }
    }
    // 32 jobs at weights 3:1 with equal costs: 24 and 8, exactly.
    assertThat(served).containsEntry("heavy", 24).containsEntry("light", 8);
  }

  @Test
  void aChargeInOneFunction_reSortsTheTenantInAnotherBeforeItIsServedThere() {
    FunctionSpec f = FunctionSpec.newBuilder("f").build();
    FunctionSpec g = FunctionSpec.newBuilder("g").build();
    config.configureFunction(f);
    config.configureFunction(g);
    for (int i = 0; i < 16; i++) {
      enqueue("a", "f");
    }
    enqueue("a", "g");
    enqueue("b", "g");
    assertThat(claim(f, 16).jobs()).hasSize(16).extracting(LeasedJob::tenant).containsOnly("a");
    // The claim of f re-sorted a only in f's ready set: its score in g's is stale, below its time.
    assertThat(redis.zscore(keys.ready(0, "g"), "a")).isLessThan(tenantTime("a"));
    // Served lowest first all the same: the claim of g re-sorts a before serving anyone, so b,
    // 16 ms of virtual time behind a, is served first.
    assertThat(claim(g, 1).jobs()).extracting(LeasedJob::tenant).containsExactly("b");
    assertThat(redis.zscore(keys.ready(0, "g"), "a")).isEqualTo(tenantTime("a"));
    assertThat(claim(g, 1).jobs()).extracting(LeasedJob::tenant).containsExactly("a");
  }

  @Test
  void levelTenants_takeTurnsOfAQuantum_chargedExactly() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    for (int i = 0; i < 20; i++) {
      enqueue("t1", "f");
      enqueue("t2", "f");
    }
    List<String> order = claim(spec, 16).jobs().stream().map(LeasedJob::tenant).toList();
    // A turn is 8 ms of virtual time: eight 1 ms jobs share one pick's fixed cost; turns alternate.
    assertThat(order.subList(0, 8)).containsOnly(order.get(0));
    assertThat(order.subList(8, 16)).containsOnly(order.get(8)).doesNotContain(order.get(0));
    assertThat(tenantTime("t1")).as("each charged its eight jobs").isEqualTo(tenantTime("t2"));
  }

  @Test
  void weightChangedLive_actsOnTheQueuedBacklogAtOnce_withoutOvershoot() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    for (int t = 0; t < 10; t++) {
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(new JobRequest("t" + t, "f", new byte[0], EnqueueOptions.DEFAULTS));
      }
      enqueuer.enqueue(batch);
    }
    java.util.ArrayDeque<LeasedJob> running = new java.util.ArrayDeque<>();
    Map<String, Integer> served = new HashMap<>();
    for (int step = 0; step < 400; step++) {
      if (step == 100) { // every backlog is queued already: the new weight must act on it
        config.configureTenant("t0", new TenantSettings(4.0, 0, false));
        served.clear();
      }
      while (running.size() >= 8) { // eight slots: the oldest job ends, at its estimated cost
        LeasedJob j = running.poll();
        complete(j, "s", 10);
      }
      for (LeasedJob j : claim(spec, 8 - running.size()).jobs()) {
        running.add(j);
        served.merge(j.tenant(), 1, Integer::sum);
      }
    }
    int total = served.values().stream().mapToInt(Integer::intValue).sum();
    double shareOverFair = served.get("t0") / (double) total / (4.0 / 13);
    assertThat(shareOverFair).as("t0's share of the service after its weight went 1 -> 4, over its fair share")
        .isBetween(0.95, 1.05);
  }

  @Test
  void claim_spreadingOverManyQueues_buysNoExtraShare() {
    FunctionSpec spec = FunctionSpec.newBuilder("k").keyedLimit("acct", 1000).build();
    config.configureFunction(spec);
    for (int i = 0; i < 50; i++) {
      enqueue("spread", "k", EnqueueOptions.newBuilder().concurrencyKey("acct", "a" + i).build());
      enqueue("single", "k", EnqueueOptions.newBuilder().concurrencyKey("acct", "one").build());
    }
    Map<String, Integer> served = new HashMap<>();
    for (int round = 0; round < 10; round++) {
      for (LeasedJob j : claim(spec, 4).jobs()) {
        served.merge(j.tenant(), 1, Integer::sum);
      }
    }
    assertThat(served).containsEntry("spread", 20).containsEntry("single", 20);
  }

  @Test
  void ack_correctsTheEstimate_soCostlyJobsCostTheirTenantMore() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    LeasedJob job = claim(spec, 1).jobs().get(0);
    double charged = tenantTime("t1");
    assertThat(complete(job, "s", 100)).isEqualTo(ReplyCode.OK);
    // Charged the 1 ms estimate at the claim, then the 99 ms it was off by at the ack.
    assertThat(tenantTime("t1")).isEqualTo(charged + 99);
    assertThat(Double.parseDouble(redis.hget(keys.costs(0), "f"))).isGreaterThan(1);
  }

  @Test
  void newcomers_borrowTheFunctionsAverage_andStoreTheirOwnOnlyWhenItDiffers() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    redis.hset(keys.costs(0), "f", "10");
    enqueue("even", "f");
    enqueue("slow", "f");
    List<LeasedJob> jobs = claim(spec, 2).jobs();
    assertThat(jobs).hasSize(2);
    List<Object[]> batch = new ArrayList<>();
    for (LeasedJob j : jobs) {
      batch.add(new Object[] {j.id(), j.leaseToken(), "s", j.tenant().equals("even") ? 10L : 50L});
    }
    assertThat(complete(batch)).containsOnly(ReplyCode.OK);
    // "even" cost what it borrowed: nothing stored for it, its next claim borrows the same 10 ms.
    assertThat(redis.hget(keys.tenantTime(0, "even"), "c:f")).isNull();
    // "slow" did not: its own average starts at its cost, and it moved the function's by 1/8.
    assertThat(Double.parseDouble(redis.hget(keys.tenantTime(0, "slow"), "c:f"))).isEqualTo(50);
    assertThat(Double.parseDouble(redis.hget(keys.costs(0), "f"))).isCloseTo(15, within(1e-3));
    enqueue("even", "f");
    LeasedJob next = claim(spec, 1).jobs().get(0);
    double before = tenantTime("even");
    assertThat(complete(next, "s", 15)).isEqualTo(ReplyCode.OK);
    // Charged the function's 15 ms at the claim, and it cost that: no correction, nothing stored.
    assertThat(tenantTime("even")).isEqualTo(before);
    assertThat(redis.hget(keys.tenantTime(0, "even"), "c:f")).isNull();
  }

  @Test
  void oneBatchOfAcks_chargesEachTenantItsSummedCorrection_andFoldsItsAverageInOrder() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    config.configureTenant("t1", new TenantSettings(2.0, 0, false));
    for (int i = 0; i < 3; i++) {
      enqueue("t1", "f");
    }
    enqueue("t2", "f");
    List<LeasedJob> jobs = claim(spec, 4).jobs();
    assertThat(jobs).hasSize(4);
    double t1 = tenantTime("t1");
    double t2 = tenantTime("t2");
    long[] costs = {5, 9, 1, 21};
    List<Object[]> batch = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      batch.add(new Object[] {jobs.get(i).id(), jobs.get(i).leaseToken(), "s", costs[i]});
    }
    assertThat(complete(batch)).containsOnly(ReplyCode.OK);
    // Every job was charged the 1 ms first estimate at the claim; the batch adds what each was off
    // by, divided by the tenant's weight, once per tenant.
    double expectedT1 = t1, expectedT2 = t2;
    List<Long> t1Costs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (jobs.get(i).tenant().equals("t1")) {
        expectedT1 += (costs[i] - 1) / 2.0;
        t1Costs.add(costs[i]);
      } else {
        expectedT2 += costs[i] - 1;
      }
    }
    assertThat(tenantTime("t1")).isCloseTo(expectedT1, within(1e-9));
    assertThat(tenantTime("t2")).isCloseTo(expectedT2, within(1e-9));
    // t1's own average starts at its first cost and moves a quarter of the way toward each next.
    double avg = t1Costs.get(0);
    for (int i = 1; i < t1Costs.size(); i++) {
      avg += (t1Costs.get(i) - avg) / 4;
    }
    assertThat(Double.parseDouble(redis.hget(keys.tenantTime(0, "t1"), "c:f"))).isCloseTo(avg, within(1e-3));
    assertThat(redis.zcard(keys.inflight(0))).as("every inflight entry removed").isZero();
  }

  @Test
  void functionAtItsLimit_claimsNothing_andSaysSo() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").concurrencyLimit(1).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    enqueue("t1", "f");
    assertThat(claim(spec, 10).jobs()).hasSize(1);
    Replies.Claimed second = claim(spec, 10);
    assertThat(second.code()).isEqualTo(ReplyCode.AT_CAPACITY);
    assertThat(second.jobs()).isEmpty();
  }

  @Test
  void tenantAtItsLimit_isHeld_andTheAckThatFreesASlotBringsItBack() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    config.configureTenant("t1", new TenantSettings(1.0, 1, false));
    enqueue("t1", "f");
    enqueue("t1", "f");
    enqueue("t2", "f");
    List<LeasedJob> first = claim(spec, 10).jobs();
    assertThat(first).extracting(LeasedJob::tenant).containsExactlyInAnyOrder("t1", "t2");
    assertThat(redis.zscore(keys.ready(0, "f"), "t1")).as("held").isNull();
    assertThat(redis.sismember(keys.waiting(0, KeySchema.tenantSlots("t1")), "~t1:f")).isTrue();
    assertThat(claim(spec, 10).jobs()).isEmpty();
    LeasedJob t1 = first.stream().filter(j -> j.tenant().equals("t1")).findFirst().orElseThrow();
    assertThat(complete(t1, "s", 1)).isEqualTo(ReplyCode.OK);
    assertThat(redis.zscore(keys.ready(0, "f"), "t1")).as("pulled back").isNotNull();
    assertThat(claim(spec, 10).jobs()).extracting(LeasedJob::tenant).containsExactly("t1");
  }

  @Test
  void keyAtItsLimit_holdsOnlyThatQueue_otherKeysRun() {
    FunctionSpec spec = FunctionSpec.newBuilder("k").keyedLimit("acct", 1).build();
    config.configureFunction(spec);
    enqueue("t1", "k", EnqueueOptions.newBuilder().concurrencyKey("acct", "a").build());
    enqueue("t1", "k", EnqueueOptions.newBuilder().concurrencyKey("acct", "a").build());
    enqueue("t1", "k", EnqueueOptions.newBuilder().concurrencyKey("acct", "b").build());
    List<LeasedJob> jobs = claim(spec, 10).jobs();
    assertThat(jobs).extracting(j -> j.concurrencyKeys().get("acct")).containsExactlyInAnyOrder("a", "b");
    assertThat(claim(spec, 10).jobs()).isEmpty();
    LeasedJob a = jobs.stream().filter(j -> j.concurrencyKeys().get("acct").equals("a")).findFirst().orElseThrow();
    complete(a, "s", 1);
    assertThat(claim(spec, 10).jobs()).extracting(j -> j.concurrencyKeys().get("acct")).containsExactly("a");
  }

  @Test
  void queueWhoseDueJobsAreAllBlockedBySecondaryLimits_waitsABackoff_insteadOfBeingRepicked() {
    FunctionSpec spec = FunctionSpec.newBuilder("k").keyedLimit("acct", 10).keyedLimit("region", 1).build();
    config.configureFunction(spec);
    EnqueueOptions eu = EnqueueOptions.newBuilder().concurrencyKey("acct", "a").concurrencyKey("region", "eu").build();
    enqueue("t1", "k", eu);
    enqueue("t1", "k", eu);
    LeasedJob first = claim(spec, 10).jobs().get(0);
    assertThat(claim(spec, 10).jobs()).isEmpty();
    assertThat(redis.sismember(keys.holds(0), "t1:k:a")).isTrue();
    complete(first, "s", 1);
    clock.advance(options.capacityBackoff());
    assertThat(claim(spec, 10).jobs()).hasSize(1);
  }

  @Test
  void cancellingTheLastJobOfAHeldQueue_leavesNothingFiled() {
    FunctionSpec spec = FunctionSpec.newBuilder("k").keyedLimit("acct", 1).build();
    config.configureFunction(spec);
    EnqueueOptions a = EnqueueOptions.newBuilder().concurrencyKey("acct", "a").build();
    enqueue("t1", "k", a);
    String second = enqueue("t1", "k", a);
    claim(spec, 10);
    assertThat(claim(spec, 10).jobs()).as("the queue is held at its key's limit").isEmpty();
    assertThat(redis.sismember(keys.holds(0), "t1:k:a")).isTrue();
    assertThat(Replies.code(scripts.run(Script.CANCEL_JOB, Args.of().add(keys.job(0, second)).list(),
        Args.of().add(keys.prefix(0)).add(second).add(clock.millis()).add(60000).list()))).isEqualTo(ReplyCode.OK);
    // tearDown checks the index: an empty queue must be neither held nor in the timer.
    assertThat(redis.zscore(keys.timer(0), "t1:k:a")).isNull();
  }

  @Test
  void delayedJob_waitsInTheTimer_untilItIsDue() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f", EnqueueOptions.newBuilder().delay(Duration.ofSeconds(10)).build());
    Replies.Claimed early = claim(spec, 10);
    assertThat(early.jobs()).isEmpty();
    assertThat(early.nextTimer()).isEqualTo(clock.millis() + 10_000);
    clock.advance(Duration.ofSeconds(10));
    assertThat(claim(spec, 10).jobs()).hasSize(1);
  }

  @Test
  void pausedTenant_isSkipped_untilItsPlanSaysOtherwise() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    config.configureTenant("t1", TenantSettings.DEFAULT.withPaused(true));
    enqueue("t1", "f");
    assertThat(claim(spec, 10).jobs()).isEmpty();
    config.configureTenant("t1", TenantSettings.DEFAULT);
    clock.advance(options.capacityBackoff());
    assertThat(claim(spec, 10).jobs()).hasSize(1);
  }

  @Test
  void extendLeases_judgesEachHeartbeatOfABatchOnItsOwn() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(30)).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    enqueue("t1", "f");
    List<LeasedJob> jobs = claim(spec, 2).jobs();
    LeasedJob a = jobs.get(0);
    LeasedJob b = jobs.get(1);
    double before = redis.zscore(keys.inflight(0), b.id());
    clock.advance(Duration.ofSeconds(10));
    List<ReplyCode> codes = Replies.codes(scripts.run(Script.EXTEND_LEASES, Args.of().add(keys.inflight(0)).list(),
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(a.id()).add(a.leaseToken())
            .add(b.id()).add("forged-token-of-22-byt").add("0-NOSUCHJOB").add("x").list()));
    assertThat(codes).containsExactly(ReplyCode.OK, ReplyCode.UNKNOWN_JOB, ReplyCode.UNKNOWN_JOB);
    assertThat(redis.zscore(keys.inflight(0), a.id())).as("extended").isEqualTo(clock.millis() + 30_000.0);
    assertThat(redis.zscore(keys.inflight(0), b.id())).as("a forged token extends nothing").isEqualTo(before);
    clock.advance(Duration.ofSeconds(25)); // past b's deadline, within a's extended one
    codes = Replies.codes(scripts.run(Script.EXTEND_LEASES, Args.of().add(keys.inflight(0)).list(),
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(b.id()).add(b.leaseToken())
            .add(a.id()).add(a.leaseToken()).list()));
    assertThat(codes).as("a late heartbeat is stale; the other still extends")
        .containsExactly(ReplyCode.STALE_LEASE, ReplyCode.OK);
  }

  @Test
  void complete_acceptsOnlyTheCurrentLeasesToken_once() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    LeasedJob job = claim(spec, 1).jobs().get(0);
    assertThat(complete(job.id(), "1", "s", 1)).as("the attempt number as token").isEqualTo(ReplyCode.UNKNOWN_JOB);
    assertThat(complete(job.id(), "", "s", 1)).as("no token").isEqualTo(ReplyCode.UNKNOWN_JOB);
    assertThat(redis.hget(keys.job(0, job.id()), "st")).isEqualTo("running");
    assertThat(complete(job, "s", 1)).isEqualTo(ReplyCode.OK);
    assertThat(complete(job, "s", 1)).as("its lease is over").isEqualTo(ReplyCode.STALE_LEASE);
    assertThat(complete("0-NOPE", job.leaseToken(), "s", 1)).isEqualTo(ReplyCode.UNKNOWN_JOB);
  }

  @Test
  void enqueueJobs_dedupesByIdempotencyKey_withinOneBatch_andAcrossCalls() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    EnqueueOptions k1 = EnqueueOptions.newBuilder().idempotencyKey("order-1").build();
    EnqueueOptions k2 = EnqueueOptions.newBuilder().idempotencyKey("order-2").build();
    List<EnqueueResult> batch = enqueuer.enqueue(List.of(
        new JobRequest("t1", "f", new byte[] {1}, k1),
        new JobRequest("t1", "f", new byte[] {2}, EnqueueOptions.DEFAULTS),
        new JobRequest("t1", "f", new byte[] {3}, k1),
        new JobRequest("t1", "f", new byte[] {4}, k2)));
    assertThat(batch).extracting(EnqueueResult::duplicate).containsExactly(false, false, true, false);
    assertThat(batch.get(2).jobId()).isEqualTo(batch.get(0).jobId());
    assertThat(queued("t1:f")).as("jobs stored").isEqualTo(3);
    EnqueueResult again = enqueuer.enqueue(List.of(new JobRequest("t1", "f", new byte[] {5}, k2))).get(0);
    assertThat(again).isEqualTo(new EnqueueResult(batch.get(3).jobId(), true));
    EnqueueResult otherTenant = enqueuer.enqueue(List.of(new JobRequest("t2", "f", new byte[] {6}, k2))).get(0);
    assertThat(otherTenant.duplicate()).as("keys are per tenant").isFalse();
  }

  @Test
  void retryKeys_ofOneCall_shareOneHash_andDedupeEachJobOfARetry() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    config.configureFunction(FunctionSpec.newBuilder("g").build());
    String token = RetryKeys.newToken();
    java.util.function.IntFunction<EnqueueOptions> key = i -> EnqueueOptions.newBuilder()
        .idempotencyKey(RetryKeys.of(token, i)).idempotencyWindow(Duration.ofSeconds(90)).build();
    // Two queues (functions f and g) of one call: two script calls writing the same hash.
    List<EnqueueResult> first = enqueuer.enqueue(List.of(
        new JobRequest("t1", "f", new byte[] {0}, key.apply(0)),
        new JobRequest("t1", "g", new byte[] {1}, key.apply(1)),
        new JobRequest("t1", "f", new byte[] {2}, key.apply(2))));
    assertThat(first).noneMatch(EnqueueResult::duplicate);
    String hash = keys.retryKeys(0, "t1", RetryKeys.parse(RetryKeys.of(token, 0)));
    assertThat(redis.hgetAll(hash)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "0", first.get(0).jobId(), "1", first.get(1).jobId(), "2", first.get(2).jobId()));
    assertThat(redis.pttl(hash)).isBetween(80_000L, 90_000L);

    // The retry of the whole call, with one job the first attempt never stored (index 3).
    List<EnqueueResult> retry = enqueuer.enqueue(List.of(
        new JobRequest("t1", "f", new byte[] {0}, key.apply(0)),
        new JobRequest("t1", "g", new byte[] {1}, key.apply(1)),
        new JobRequest("t1", "f", new byte[] {2}, key.apply(2)),
        new JobRequest("t1", "f", new byte[] {3}, key.apply(3))));
    assertThat(retry).extracting(EnqueueResult::duplicate).containsExactly(true, true, true, false);
    assertThat(retry.subList(0, 3)).extracting(EnqueueResult::jobId)
        .containsExactlyElementsOf(first.stream().map(EnqueueResult::jobId).toList());
    assertThat(queued("t1:f")).as("jobs stored").isEqualTo(3);
    assertThat(queued("t1:g")).isEqualTo(1);
    // Keys are per tenant: the same call's key is another tenant's own.
    EnqueueResult other = enqueuer.enqueue(List.of(new JobRequest("t2", "f", new byte[] {9}, key.apply(0)))).get(0);
    assertThat(other.duplicate()).isFalse();
    assertThat(other.jobId()).isNotEqualTo(first.get(0).jobId());
  }

  @Test
  void idempotencyKey_isKeptForItsJobsWindow_orTheEnginesWindow() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    List<EnqueueResult> r = enqueuer.enqueue(List.of(
        new JobRequest("t1", "f", new byte[] {1},
            EnqueueOptions.newBuilder().idempotencyKey("retry-1").idempotencyWindow(Duration.ofSeconds(90)).build()),
        new JobRequest("t1", "f", new byte[] {2}, EnqueueOptions.newBuilder().idempotencyKey("order-1").build())));
    assertThat(r).extracting(EnqueueResult::duplicate).containsExactly(false, false);
    assertThat(redis.pttl(keys.idempotency(0, "t1", "retry-1"))).isBetween(80_000L, 90_000L);
    long window = options.idempotencyWindow().toMillis();
    assertThat(redis.pttl(keys.idempotency(0, "t1", "order-1"))).isBetween(window - 10_000, window);
    EnqueueResult again = enqueuer.enqueue(List.of(new JobRequest("t1", "f", new byte[] {3},
        EnqueueOptions.newBuilder().idempotencyKey("retry-1").idempotencyWindow(Duration.ofSeconds(90)).build()))).get(0);
    assertThat(again).isEqualTo(new EnqueueResult(r.get(0).jobId(), true));
  }

  @Test
  void enqueueJobs_withOneKeyInTwoQueues_storesTheFirstInRequestOrder() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    config.configureFunction(FunctionSpec.newBuilder("g").build());
    EnqueueOptions k = EnqueueOptions.newBuilder().idempotencyKey("once").build();
    // g's queue is grouped first (its first job comes first), yet f's keyed job came before g's.
    List<EnqueueResult> r = enqueuer.enqueue(List.of(
        new JobRequest("t1", "g", new byte[] {1}, EnqueueOptions.DEFAULTS),
        new JobRequest("t1", "f", new byte[] {2}, k),
        new JobRequest("t1", "g", new byte[] {3}, k)));
    assertThat(r).extracting(EnqueueResult::duplicate).containsExactly(false, false, true);
    assertThat(r.get(2).jobId()).isEqualTo(r.get(1).jobId());
    assertThat(queued("t1:f")).isEqualTo(1);
    assertThat(queued("t1:g")).isEqualTo(1);
  }

  @Test
  void concurrentSingleEnqueues_coalesced_storeEachIdempotencyKeyOnce() throws Exception {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    int threads = 16;
    int perThread = 50;
    List<List<EnqueueResult>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<List<EnqueueResult>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<EnqueueResult> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            // Every thread enqueues the same keys: each key must be stored once.
            EnqueueOptions o = EnqueueOptions.newBuilder().idempotencyKey("k" + i).build();
            mine.add(enqueuer.enqueue(List.of(new JobRequest("t1", "f", new byte[] {1}, o))).get(0));
          }
          return mine;
        }));
      }
      for (Future<List<EnqueueResult>> f : futures) {
        results.add(f.get());
      }
    }
    assertThat(queued("t1:f")).as("jobs stored").isEqualTo(perThread);
    for (int i = 0; i < perThread; i++) {
      int key = i;
      Set<String> ids = results.stream().map(r -> r.get(key).jobId()).collect(Collectors.toSet());
      assertThat(ids).as("job ids answered for key k%d", i).hasSize(1);
      assertThat(results.stream().filter(r -> !r.get(key).duplicate()).count())
          .as("callers told they stored key k%d", i).isEqualTo(1);
    }
  }

  @Test
  void completeJobs_settlesAWholeBatch_inOneCall() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    for (int i = 0; i < 3; i++) {
      enqueue("t1", "f");
    }
    List<LeasedJob> jobs = claim(spec, 3).jobs();
    List<Object[]> batch = new ArrayList<>();
    batch.add(new Object[] {jobs.get(0).id(), jobs.get(0).leaseToken(), "s", 1L});
    batch.add(new Object[] {jobs.get(1).id(), jobs.get(1).leaseToken(), "r", 1L});
    batch.add(new Object[] {jobs.get(2).id(), jobs.get(2).leaseToken(), "f", 1L});
    assertThat(complete(batch)).containsExactly(ReplyCode.OK, ReplyCode.OK, ReplyCode.OK);
    assertThat(redis.hget(keys.job(0, jobs.get(0).id()), "st")).isEqualTo("succeeded");
    assertThat(redis.hget(keys.job(0, jobs.get(1).id()), "st")).isEqualTo("failed");
    assertThat(redis.hget(keys.job(0, jobs.get(2).id()), "st")).isEqualTo("dead");
    assertThat(redis.zcard(keys.inflight(0))).isZero();
  }

  @Test
  void retry_followsTheFunctionsBackoff_mirroredIntoTheShard() {
    FunctionSpec spec = FunctionSpec.newBuilder("f")
        .retry(new dev.croupier.api.RetryPolicy(5, Duration.ofSeconds(4), 2.0, Duration.ofMinutes(1))).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    LeasedJob job = claim(spec, 1).jobs().get(0);
    complete(job, "r", 1);
    // Full jitter over [0, 4 s] with the test's random 0.5: 2 s.
    assertThat(redis.zscore(keys.queue(0, "t1:f"), job.id())).isEqualTo((double) clock.millis() + 2000);
  }

  @Test
  void dueJobsGoToTheQueuesList_theRestToItsSortedSet_andClaimsMergeBothInScoreOrder() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    long t0 = clock.millis();
    String a = enqueue("t1", "f");
    clock.advance(Duration.ofMillis(5));
    String b = enqueue("t1", "f");
    String urgent = enqueue("t1", "f", EnqueueOptions.newBuilder().priority(Duration.ofMillis(3)).build());
    String later = enqueue("t1", "f", EnqueueOptions.newBuilder().delay(Duration.ofMillis(10)).build());
    clock.advance(Duration.ofMillis(1));
    String c = enqueue("t1", "f");
    assertThat(redis.lrange(keys.queueList(0, "t1:f"), 0, -1)).containsExactly(a, b, c);
    assertThat(redis.zrange(keys.queue(0, "t1:f"), 0, -1)).containsExactly(urgent, later);
    assertThat(redis.hexists(keys.job(0, a), "ea")).as("enqueued-at is the id's time").isFalse();
    // Scores: a t0, urgent t0+2 (t0+5 less 3 ms of priority), b t0+5, c t0+6, later t0+15.
    List<LeasedJob> first = claim(spec, 3).jobs();
    assertThat(first).extracting(LeasedJob::id).containsExactly(a, urgent, b);
    assertThat(first.get(0).enqueuedAt().toEpochMilli()).isEqualTo(t0);
    clock.advance(Duration.ofMillis(10));
    assertThat(claim(spec, 3).jobs()).extracting(LeasedJob::id).containsExactly(c, later);
    assertThat(redis.exists(keys.queueList(0, "t1:f"))).isFalse();
  }

  @Test
  void cancellingAJobInsideTheList_marksIt_andTheClaimThatReachesItDropsIt() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String a = enqueue("t1", "f");
    String b = enqueue("t1", "f");
    String c = enqueue("t1", "f");
    String d = enqueue("t1", "f");
    assertThat(cancel(b)).isEqualTo(ReplyCode.OK);
    assertThat(redis.smembers(keys.queueCancelled(0, "t1:f"))).as("b is inside the list").containsExactly(b);
    assertThat(cancel(d)).isEqualTo(ReplyCode.OK);
    assertThat(redis.lrange(keys.queueList(0, "t1:f"), 0, -1)).as("d was last: taken out").containsExactly(a, b, c);
    assertThat(redis.hget(keys.queuedCounts(0), "t1:f")).isEqualTo("2");
    // tearDown checks the index and counters while b is still in the list, and after.
    IndexInvariants.check(redis, options.namespace(), 1);
    assertThat(claim(spec, 10).jobs()).extracting(LeasedJob::id).containsExactly(a, c);
    assertThat(redis.exists(keys.queueList(0, "t1:f"), keys.queueCancelled(0, "t1:f"))).isZero();
    assertThat(redis.hget(keys.queuedCounts(0), "t1:f")).isNull();
  }

  @Test
  void countersOfManyTenants_areWrittenOncePerScript_andTheServedBucketExpires() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    for (int t = 0; t < 40; t++) {
      enqueue("t" + t, "f");
    }
    enqueue("t0", "f");
    assertThat(redis.hgetAll(keys.queuedCounts(0))).hasSize(40).containsEntry("t0:f", "2").containsEntry("t7:f", "1");
    assertThat(redis.hget(keys.functionCounts(0), "q:f")).isEqualTo("41");
    List<LeasedJob> jobs = claim(spec, 64).jobs();
    assertThat(jobs).hasSize(41);
    assertThat(redis.exists(keys.queuedCounts(0))).as("every queued count reached zero: deleted").isFalse();
    assertThat(redis.hgetAll(keys.runningCounts(0))).hasSize(40).containsEntry("t0:f", "2");
    assertThat(redis.hget(keys.functionCounts(0), "r:f")).isEqualTo("41");
    for (LeasedJob j : jobs) {
      complete(j, "s", 3);
    }
    assertThat(redis.exists(keys.runningCounts(0))).isFalse();
    assertThat(redis.hgetAll(keys.functionCounts(0))).isEmpty();
    String served = keys.served(0, clock.millis() / 10_000);
    assertThat(redis.hget(served, "t0")).isEqualTo("6");
    assertThat(redis.hlen(served)).isEqualTo(40);
    assertThat(redis.pttl(served)).as("the served bucket expires").isBetween(1L, 130_000L);
  }

  private ReplyCode cancel(String id) {
    return cancel(id, 60_000);
  }

  private ReplyCode cancel(String id, long retentionMs) {
    return Replies.code(scripts.run(Script.CANCEL_JOB, Args.of().add(keys.job(0, id)).list(),
        Args.of().add(keys.prefix(0)).add(id).add(clock.millis()).add(retentionMs).list()));
  }

  @Test
  void zeroStatusRetention_keepsNoRecordOfAnEndedJob_butAWatchedOnesForItsWatcher() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String plain = enqueue("t1", "f");
    String watched = enqueue("t1", "f", EnqueueOptions.newBuilder().watched(true).build());
    assertThat(redis.hget(keys.job(0, watched), "w")).as("watched from its enqueue").isEqualTo("1");
    assertThat(redis.hget(keys.job(0, plain), "w")).isNull();
    List<LeasedJob> jobs = claim(spec, 2).jobs();
    List<Object[]> batch = new ArrayList<>();
    for (LeasedJob j : jobs) {
      batch.add(new Object[] {j.id(), j.leaseToken(), "s", 1L});
    }
    assertThat(complete(batch, 0)).containsExactly(ReplyCode.OK, ReplyCode.OK);
    assertThat(redis.exists(keys.job(0, plain))).as("no status record").isFalse();
    assertThat(redis.hget(keys.job(0, watched), "st")).isEqualTo("succeeded");
    assertThat(redis.pttl(keys.job(0, watched))).as("kept for its watcher")
        .isBetween(EngineOptions.WATCHED_STATUS_GRACE.toMillis() - 10_000, EngineOptions.WATCHED_STATUS_GRACE.toMillis());
    assertThat(complete(batch.subList(0, 1), 0)).as("a repeat of the ack").containsExactly(ReplyCode.UNKNOWN_JOB);
    assertThat(redis.zcard(keys.inflight(0))).isZero();
    // A cancel likewise: the record goes unless the job is watched; the job never runs.
    String cancelled = enqueue("t1", "f");
    String cancelledWatched = enqueue("t1", "f", EnqueueOptions.newBuilder().watched(true).build());
    assertThat(cancel(cancelled, 0)).isEqualTo(ReplyCode.OK);
    assertThat(cancel(cancelledWatched, 0)).isEqualTo(ReplyCode.OK);
    assertThat(redis.exists(keys.job(0, cancelled))).isFalse();
    assertThat(redis.hget(keys.job(0, cancelledWatched), "st")).isEqualTo("cancelled");
    assertThat(redis.pttl(keys.job(0, cancelledWatched))).isPositive();
    assertThat(claim(spec, 10).jobs()).isEmpty();
  }

  @Test
  void aWatchedDuplicate_marksTheJobItNames() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    String first = enqueue("t1", "f", EnqueueOptions.newBuilder().idempotencyKey("k").build());
    assertThat(redis.hget(keys.job(0, first), "w")).isNull();
    EnqueueResult again = enqueuer.enqueue(List.of(new JobRequest("t1", "f", new byte[] {2},
        EnqueueOptions.newBuilder().idempotencyKey("k").watched(true).build()))).get(0);
    assertThat(again).isEqualTo(new EnqueueResult(first, true));
    assertThat(redis.hget(keys.job(0, first), "w")).isEqualTo("1");
  }

  @Test
  void jobScripts_replyTheSharedCodes_forEachRefusal() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    String id = enqueue("t1", "f");
    List<byte[]> job = Args.of().add(keys.job(0, id)).list();
    List<byte[]> nope = Args.of().add(keys.job(0, "0-NOPE")).list();
    long now = clock.millis();
    assertThat(Replies.code(scripts.run(Script.REPLAY_JOB, job,
        Args.of().add(keys.prefix(0)).add(id).add(now).list()))).isEqualTo(ReplyCode.NOT_DEAD);
    assertThat(Replies.code(scripts.run(Script.CANCEL_JOB, job,
        Args.of().add(keys.prefix(0)).add(id).add(now).add(60000).list()))).isEqualTo(ReplyCode.OK);
    assertThat(Replies.code(scripts.run(Script.CANCEL_JOB, job,
        Args.of().add(keys.prefix(0)).add(id).add(now).add(60000).list()))).isEqualTo(ReplyCode.FINISHED);
    assertThat(Replies.code(scripts.run(Script.CANCEL_JOB, nope,
        Args.of().add(keys.prefix(0)).add("0-NOPE").add(now).add(60000).list())))
        .isEqualTo(ReplyCode.UNKNOWN_JOB);
    String queued = enqueue("t1", "f");
    List<java.util.Optional<String>> states = Replies.jobStates(scripts.run(Script.WATCH_JOBS, job,
        Args.of().add(keys.prefix(0)).add(id).add("0-NOPE").add(queued).list()));
    assertThat(states).containsExactly(java.util.Optional.of("cancelled"), java.util.Optional.empty(),
        java.util.Optional.of("queued"));
    assertThat(redis.hget(keys.job(0, queued), "w")).as("marked watched").isEqualTo("1");
    assertThat(redis.exists(keys.job(0, "0-NOPE"))).as("nothing written for a missing job").isFalse();
    List<byte[]> role = Args.of().add(keys.scavengerRole(0)).list();
    assertThat(Replies.code(scripts.run(Script.ACQUIRE_ROLE, role, Args.of().add("a").add(60000).list())))
        .isEqualTo(ReplyCode.OK);
    assertThat(Replies.code(scripts.run(Script.ACQUIRE_ROLE, role, Args.of().add("b").add(60000).list())))
        .isEqualTo(ReplyCode.NOT_HOLDER);
  }

  @Test
  void requeueExpired_retriesExpiredLeases_andSkipsLiveOnes() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(1)).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    claim(spec, 1);
    List<byte[]> k = Args.of().add(keys.inflight(0)).list();
    Replies.Swept early = Replies.swept(scripts.run(Script.REQUEUE_EXPIRED, k,
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(100).add(options.scriptBudgetMicros()).list()));
    assertThat(early.requeued()).isZero();
    clock.advance(Duration.ofMillis(1001));
    Replies.Swept late = Replies.swept(scripts.run(Script.REQUEUE_EXPIRED, k,
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(100).add(options.scriptBudgetMicros()).list()));
    assertThat(late.requeued()).isEqualTo(1);
    assertThat(redis.zcard(keys.queue(0, "t1:f"))).isEqualTo(1);
    assertThat(redis.zcard(keys.inflight(0))).isZero();
    assertThat(claim(spec, 1).jobs().get(0).attempt()).isEqualTo(2);
  }

  @Test
  void withNoBudget_eachLoopingScriptDoesItsFirstSteps_andSaysWhatIsLeft() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(1)).build();
    config.configureFunction(spec);
    for (int t = 10; t < 22; t++) {
      enqueue("t" + t, "f");
    }
    // A claim: one pick a call, and more while tenants are left.
    Claimer onePick = new Claimer(scripts, keys, options.toBuilder().scriptBudget(Duration.ZERO).build());
    List<LeasedJob> leased = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Replies.Claimed c = onePick.claim(List.of(new Claimer.Request(0, spec, 12)), clock.millis()).get(0);
      assertThat(c.jobs()).as("claim %d", i).hasSize(1);
      assertThat(c.more()).as("claim %d: tenants left", i).isEqualTo(i < 11);
      leased.addAll(c.jobs());
    }
    // The order one whole claim takes: lowest virtual time first (all level here: by name).
    assertThat(leased).extracting(LeasedJob::tenant)
        .containsExactly("t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20", "t21");

    // A completion batch settles its first four jobs (the clock is read every fourth); the fifth
    // and sixth stay running until they are sent again.
    Args a = Args.of().add(keys.prefix(0)).add(clock.millis()).add(60_000).add(3_600_000).add(1).add(0);
    for (LeasedJob j : leased.subList(0, 6)) {
      a.add(j.id()).add(j.leaseToken()).add("s").add(1).add(-1).add("").add("0");
    }
    List<byte[]> inflight = Args.of().add(keys.inflight(0)).list();
    assertThat(Replies.codes(scripts.run(Script.COMPLETE_JOBS, inflight, a.list())))
        .containsExactly(ReplyCode.OK, ReplyCode.OK, ReplyCode.OK, ReplyCode.OK);
    assertThat(redis.zscore(keys.inflight(0), leased.get(3).id())).isNull();
    assertThat(redis.hget(keys.job(0, leased.get(4).id()), "st")).isEqualTo("running");
    assertThat(complete(leased.get(4), "s", 1)).isEqualTo(ReplyCode.OK);
    assertThat(complete(leased.get(5), "s", 1)).isEqualTo(ReplyCode.OK);

    // The sweep requeues the six expired leases four at most a call, and says when it left some.
    clock.advance(Duration.ofMillis(1001));
    Args sweep = Args.of().add(keys.prefix(0)).add(clock.millis()).add(100).add(0);
    Replies.Swept s1 = Replies.swept(scripts.run(Script.REQUEUE_EXPIRED, inflight, sweep.list()));
    assertThat(s1.requeued()).isEqualTo(4);
    assertThat(s1.more()).isTrue();
    Replies.Swept s2 = Replies.swept(scripts.run(Script.REQUEUE_EXPIRED, inflight, sweep.list()));
    assertThat(s2.requeued()).isEqualTo(2);
    assertThat(s2.more()).isFalse();
    assertThat(redis.zcard(keys.inflight(0))).isZero();
  }

  @Test
  void noScript_fallsBackToEval_once() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    redis.scriptFlush();
    String id = enqueue("t1", "f");
    assertThat(redis.exists(keys.job(0, id))).isTrue();
    redis.scriptFlush();
    assertThat(claim(config.requireFunction("f"), 1).jobs()).hasSize(1);
  }

  @Test
  void claim_dropsAStrayId_withoutLosingTheJobBehindIt() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String stray = enqueue("t1", "f");
    String second = enqueue("t1", "f");
    String third = enqueue("t1", "f");
    redis.del(keys.job(0, stray)); // e.g. a status record that expired while its id lingered
    assertThat(claim(spec, 1).jobs()).extracting(LeasedJob::id).containsExactly(second);
    assertThat(redis.lrange(keys.queueList(0, "t1:f"), 0, -1)).containsExactly(third);
  }

  @Test
  void bulkEnqueue_keepsEachJobsOwnSecondaryKeyValues() {
    FunctionSpec spec = FunctionSpec.newBuilder("k").keyedLimit("acct", 1).keyedLimit("region", 2).build();
    config.configureFunction(spec);
    List<String> ids = enqueuer.enqueue(List.of(
        new JobRequest("t1", "k", new byte[0], EnqueueOptions.newBuilder()
            .concurrencyKey("acct", "a").concurrencyKey("region", "eu").build()),
        new JobRequest("t1", "k", new byte[0], EnqueueOptions.newBuilder()
            .concurrencyKey("acct", "a").concurrencyKey("region", "us").build())))
        .stream().map(dev.croupier.api.EnqueueResult::jobId).toList();
    assertThat(redis.hget(keys.job(0, ids.get(0)), "ks")).contains("region:eu").doesNotContain("region:us");
    assertThat(redis.hget(keys.job(0, ids.get(1)), "ks")).contains("region:us").doesNotContain("region:eu");
  }

  /** The server's major version (functions came with Redis 7). */
  private int redisMajor() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^redis_version:(\\d+)\\.")
        .matcher(redis.info("server"));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void onRedis7_theScriptsRunAsOneFunctionLibrary_loadedAgainWhenRedisLosesIt() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    enqueue("t1", "f");
    boolean functions = redisMajor() >= 7;
    assertThat(scripts.usesFunctions()).as("functions where the server has them").isEqualTo(functions);
    ScriptRegistry evalOnly = new ScriptRegistry(redis, false);
    assertThat(new Claimer(evalOnly, keys, options).claim(List.of(new Claimer.Request(0, spec, 1)), clock.millis())
        .get(0).jobs()).hasSize(1);
    assertThat(evalOnly.usesFunctions()).as("told not to").isFalse();
    if (!functions) {
      return;
    }
    String library = scripts.librarySource().lines().findFirst().orElseThrow().substring("#!lua name=".length());
    assertThat(redis.functionList(library)).hasSize(1);
    redis.functionFlush(); // a restart without persistence, or an operator, loses it
    enqueue("t1", "f");
    assertThat(claim(spec, 1).jobs()).as("loaded again on the next call").hasSize(1);
    redis.functionFlush();
    Claimer pipelined = new Claimer(scripts, keys, options);
    assertThat(pipelined.claim(List.of(new Claimer.Request(0, spec, 1), new Claimer.Request(0, spec, 1)),
        clock.millis())).as("and by a pipeline of calls").extracting(c -> c.jobs().size()).containsExactly(1, 0);
    assertThat(redis.functionList(library)).hasSize(1);
  }

  @Test
  void onRedis7_anEngineDeletesTheLibrariesOfOtherVersions_andNothingElse() {
    if (redisMajor() < 7) {
      return; // no functions: nothing to delete
    }
    String older = "croupier_0123456789abcdef"; // as another version of the engine names its library
    redis.functionLoad("#!lua name=" + older + "\nredis.register_function('" + older
        + "_ping', function() return 1 end)");
    redis.functionLoad("#!lua name=croupier_mine\nredis.register_function('croupier_mine_ping',"
        + " function() return 2 end)"); // a user's, however it is named
    try {
      ScriptRegistry starting = new ScriptRegistry(redis);
      starting.preload(keys.prefix(0) + "x");
      assertThat(starting.usesFunctions()).isTrue();
      assertThat(redis.functionList(older)).as("the other version's").isEmpty();
      assertThat(redis.functionList("croupier_mine")).as("not an engine's").hasSize(1);
      String own = starting.librarySource().lines().findFirst().orElseThrow().substring("#!lua name=".length());
      assertThat(redis.functionList(own)).as("its own").hasSize(1);
      FunctionSpec spec = FunctionSpec.newBuilder("f").build();
      config.configureFunction(spec);
      enqueue("t1", "f");
      assertThat(claim(spec, 1).jobs()).as("the engine that was running goes on").hasSize(1);
    } finally {
      redis.functionDelete("croupier_mine");
    }
  }

  @Test
  void anEmptyPipeline_runsNothing_inEitherMode() {
    // A flush with nothing in it (an empty batch from a client) must not reach Redis or fail.
    assertThat(scripts.runPipelined(List.of())).isEmpty();
    assertThat(new ScriptRegistry(redis, false).runPipelined(List.of())).isEmpty();
  }

  @Test
  void aUserWhoMayNotLoadFunctions_getsTheScripts() {
    if (redisMajor() < 7) {
      return; // no functions at all: the test above saw the scripts chosen
    }
    String user = "noload-" + options.namespace();
    redis.sendCommand(Protocol.Command.ACL, "SETUSER", user, "on", ">secret", "~*", "&*",
        "+@all", "-function");
    try (RedisClient limited = RedisClient.create(java.net.URI.create(
        REDIS.url().replace("redis://", "redis://" + user + ":secret@")))) {
      ScriptRegistry s = new ScriptRegistry(limited);
      FunctionSpec spec = FunctionSpec.newBuilder("f").build();
      config.configureFunction(spec);
      try (Enqueuer e = new Enqueuer(s, keys, config, options)) {
        e.enqueue(List.of(new JobRequest("t1", "f", new byte[] {1}, EnqueueOptions.DEFAULTS)));
      }
      assertThat(s.usesFunctions()).isFalse();
      assertThat(new Claimer(s, keys, options).claim(List.of(new Claimer.Request(0, spec, 5)), clock.millis())
          .get(0).jobs()).hasSize(1);
    } finally {
      redis.sendCommand(Protocol.Command.ACL, "DELUSER", user);
    }
  }

  @Test
  void aLibraryCall_leavesNothingOfItselfToTheNext_evenWhenItFails() {
    // A library keeps its includes' state between calls (a script starts afresh): counter bumps
    // of a call that failed before its flushCounts must not be written by the next call. The same
    // failed batch, then the same good one, through the library and as scripts: the same counts.
    Map<String, Map<String, String>> counts = new HashMap<>();
    for (boolean functions : new boolean[] {true, false}) {
      EngineOptions o = REDIS.newOptions().clock(clock).scriptBudget(WHOLE_CALL).build();
      KeySchema k = new KeySchema(o.namespace(), 1);
      ScriptRegistry s = new ScriptRegistry(redis, functions);
      ConfigStore c = new ConfigStore(redis, k, Duration.ofSeconds(2));
      FunctionSpec spec = FunctionSpec.newBuilder("f").build();
      c.configureFunction(spec);
      try (Enqueuer e = new Enqueuer(s, k, c, o)) {
        for (int i = 0; i < 3; i++) {
          e.enqueue(List.of(new JobRequest("t1", "f", new byte[] {1}, EnqueueOptions.DEFAULTS)));
        }
      }
      List<LeasedJob> jobs = new Claimer(s, k, o).claim(List.of(new Claimer.Request(0, spec, 3)), clock.millis())
          .get(0).jobs();
      assertThat(jobs).hasSize(3);
      Args bad = Args.of().add(k.prefix(0)).add(clock.millis()).add(60_000).add(3_600_000).add(1).add(o.scriptBudgetMicros())
          .add(jobs.get(0).id()).add(jobs.get(0).leaseToken()).add("r").add(1).add(-1).add("err").add("0.5")
          .add(jobs.get(1).id()).add(jobs.get(1).leaseToken()).add("s").add("not a cost").add(-1).add("").add("0");
      List<byte[]> inflight = Args.of().add(k.inflight(0)).list();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.run(Script.COMPLETE_JOBS, inflight, bad.list()))
          .hasMessageContaining("running script COMPLETE_JOBS");
      Args good = Args.of().add(k.prefix(0)).add(clock.millis()).add(60_000).add(3_600_000).add(1).add(o.scriptBudgetMicros())
          .add(jobs.get(2).id()).add(jobs.get(2).leaseToken()).add("s").add(1).add(-1).add("").add("0");
      assertThat(Replies.codes(s.run(Script.COMPLETE_JOBS, inflight, good.list()))).containsExactly(ReplyCode.OK);
      Map<String, String> seen = new java.util.TreeMap<>();
      for (String key : List.of(k.queuedCounts(0), k.runningCounts(0), k.functionCounts(0))) {
        redis.hgetAll(key).forEach((field, n) -> seen.put(key.substring(key.lastIndexOf(':') + 1) + "/" + field, n));
      }
      counts.put(functions ? "library" : "scripts", seen);
    }
    assertThat(counts.get("library")).isEqualTo(counts.get("scripts")).isNotEmpty();
  }

  @Test
  void theLibrary_definesEachIncludeOnce_andAFunctionPerScript_thatStartsAfresh() {
    String library = scripts.librarySource();
    assertThat(library).startsWith("#!lua name=croupier_").doesNotContain("@include");
    assertThat(library.split("local function readyQueue", -1)).hasSize(2);
    assertThat(library.indexOf("local function pullBack")).isNotNegative()
        .isLessThan(library.indexOf("local function releaseSlots"));
    for (Script s : Script.values()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("redis\\.register_function\\('croupier_[0-9a-f]{16}_"
          + s.function() + "', function\\(KEYS, ARGV\\)\\n((?:\\w+ = redis\\.call|\\w+\\(\\))\\n)+").matcher(library);
      assertThat(m.find()).as(s + " registered").isTrue();
      assertThat(m.group()).contains("rcall = redis.call\n", "resetCounts()\n", "resetWork()\n");
    }
  }

  /**
   * The includes' top-level locals are shared by every call of a library: each one that code
   * changes (assigns, or writes into) must be reset by an {@code -- @on-call} function, or a call
   * would see what the last one left (which engine to announce work for, counter bumps).
   */
  @Test
  void everyIncludeStateThatCallsChange_isResetAtTheStartOfEachCall() {
    String library = scripts.librarySource();
    String shared = library.substring(0, library.indexOf("\nredis.register_function("));
    Set<String> state = new java.util.TreeSet<>();
    java.util.regex.Matcher locals = java.util.regex.Pattern.compile("(?m)^local (?!function )([\\w, ]+?)\\s*=").matcher(shared);
    while (locals.find()) {
      for (String name : locals.group(1).split(",")) {
        state.add(name.trim());
      }
    }
    assertThat(state).contains("Key", "pendingCounts", "workOrigin");
    StringBuilder hooks = new StringBuilder();
    java.util.regex.Matcher on = java.util.regex.Pattern.compile("(?m)^-- @on-call (\\w+)$").matcher(shared);
    while (on.find()) {
      int at = shared.indexOf("local function " + on.group(1) + "(");
      hooks.append(shared, at, shared.indexOf("\nend", at));
    }
    java.util.regex.Pattern assignment = java.util.regex.Pattern.compile(
        "(?m)^\\s*(?!local )([\\w.\\[\\]#+ '\"]+(?:\\s*,\\s*[\\w.\\[\\]#+ '\"]+)*)\\s*=(?!=)");
    Set<String> changed = new java.util.TreeSet<>();
    java.util.regex.Matcher a = assignment.matcher(library);
    while (a.find()) {
      for (String target : a.group(1).split(",")) {
        java.util.regex.Matcher base = java.util.regex.Pattern.compile("^\\s*(\\w+)").matcher(target);
        if (base.find() && state.contains(base.group(1))) {
          changed.add(base.group(1));
        }
      }
    }
    assertThat(changed).as("state some call changes").contains("pendingCounts", "workQuiet");
    for (String name : changed) {
      assertThat(hooks.toString()).as(name + " is reset by an @on-call function").contains(name);
    }
  }

  @Test
  void includes_areInlinedOnce_beforeTheirUse() {
    // completeJobs names fair and finish, and finish names fair again.
    String complete = scripts.source(Script.COMPLETE_JOBS);
    assertThat(complete).doesNotContain("@include");
    assertThat(complete.split("local function readyQueue", -1)).hasSize(2);
    assertThat(complete.indexOf("local function pullBack")).isNotNegative()
        .isLessThan(complete.indexOf("local function releaseSlots"));
  }
}
