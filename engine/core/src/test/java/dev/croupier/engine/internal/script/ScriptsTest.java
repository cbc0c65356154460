package dev.croupier.engine.internal.script;

import dev.croupier.api.EnqueueResult;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.claim.PartitionClaimer;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
  private PartitionClaimer claimer;
  private EngineOptions options;

  @BeforeEach
  void setUp() {
    redis = REDIS.client();
    options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(REDIS.newNamespace()).clock(clock)
        .capacityBackoff(Duration.ofSeconds(5)).build();
    keys = new KeySchema(options.namespace(), 1);
    scripts = new ScriptRegistry(redis);
    config = new ConfigStore(redis, keys, Duration.ofSeconds(2));
    enqueuer = new Enqueuer(scripts, keys, config, options);
    claimer = new PartitionClaimer(scripts, keys, options);
  }

  @AfterEach
  void tearDown() {
    redis.close();
  }

  private String enqueue(String tenant, String function) {
    return enqueuer.enqueue(List.of(new JobRequest(tenant, function, new byte[] {1}, EnqueueOptions.DEFAULTS)))
        .get(0).jobId();
  }

  private Double tqScore(String tenant, String qid) {
    return redis.zscore(keys.tenantQueues(0, tenant), qid);
  }

  @Test
  void enqueue_indexesQueueTenantAndShard_atTheJobsScore() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    enqueue("t1", "f");
    long now = clock.millis();
    assertThat(tqScore("t1", "t1:f")).isEqualTo((double) now);
    assertThat(redis.zscore(keys.tenants(0), "t1")).isEqualTo((double) now);
    assertThat(redis.zscore(keys.queues(0), "t1:f")).isEqualTo((double) now);
  }

  @Test
  void claim_leasesJobs_andEmptiesTheIndexWhenTheQueueDrains() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String a = enqueue("t1", "f");
    String b = enqueue("t1", "f");
    PartitionClaimer.Result r = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 10);
    assertThat(r.status()).isEqualTo(PartitionClaimer.Status.LEASED);
    assertThat(r.jobs()).extracting(LeasedJob::id).containsExactly(a, b);
    assertThat(r.jobs()).extracting(LeasedJob::attempt).containsOnly(1);
    assertThat(redis.zcard(keys.inflight(0))).isEqualTo(2);
    assertThat(redis.exists(keys.partitionLease(0, "t1:f"))).isFalse();
    assertThat(tqScore("t1", "t1:f")).isNull();
    assertThat(redis.zscore(keys.tenants(0), "t1")).isNull();
  }

  @Test
  void leasePartition_whenLeased_reportsConflict_andTakesNothing() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    redis.set(keys.partitionLease(0, "t1:f"), "someone-else");
    PartitionClaimer.Result r = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 10);
    assertThat(r.status()).isEqualTo(PartitionClaimer.Status.CONFLICT);
    assertThat(redis.zcard(keys.queue(0, "t1:f"))).isEqualTo(1);
    assertThat(redis.get(keys.partitionLease(0, "t1:f"))).isEqualTo("someone-else");
  }

  @Test
  void atCapacity_holdsQueueLater_andAckPullsItBack() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").concurrencyLimit(1).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    enqueue("t1", "f");
    PartitionClaimer.Result first = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 10);
    assertThat(first.jobs()).hasSize(1);
    long now = clock.millis();
    // Released at capacity: held for the backoff and remembered as waiting for the function's slot.
    assertThat(tqScore("t1", "t1:f")).isEqualTo((double) now + 5000);
    assertThat(redis.sismember(keys.waiting(0, KeySchema.functionSlots("f")), "t1:f")).isTrue();

    PartitionClaimer.Result second = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 10);
    assertThat(second.status()).isEqualTo(PartitionClaimer.Status.AT_CAPACITY);

    LeasedJob job = first.jobs().get(0);
    Object ack = scripts.run(Script.ACK_JOB, Args.of().add(keys.job(0, job.id())).list(),
        Args.of().add(keys.prefix(0)).add(job.id()).add(1).add(now).add(10).add(60000).add(60000).list());
    assertThat(Replies.asLong(ack)).isEqualTo(1);
    assertThat(tqScore("t1", "t1:f")).isLessThanOrEqualTo((double) now);
    assertThat(redis.zscore(keys.holds(0), "t1:f")).isNull();
    assertThat(claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 10).jobs()).hasSize(1);
  }

  @Test
  void ack_withStaleAttempt_isRejected_andSecondAckIsStale() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    LeasedJob job = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 1).jobs().get(0);
    List<byte[]> k = Args.of().add(keys.job(0, job.id())).list();
    long now = clock.millis();
    assertThat(Replies.asLong(scripts.run(Script.ACK_JOB, k,
        Args.of().add(keys.prefix(0)).add(job.id()).add(2).add(now).add(1).add(60000).add(60000).list()))).isEqualTo(-2);
    assertThat(Replies.asLong(scripts.run(Script.ACK_JOB, k,
        Args.of().add(keys.prefix(0)).add(job.id()).add(1).add(now).add(1).add(60000).add(60000).list()))).isEqualTo(1);
    assertThat(Replies.asLong(scripts.run(Script.ACK_JOB, k,
        Args.of().add(keys.prefix(0)).add(job.id()).add(1).add(now).add(1).add(60000).add(60000).list()))).isEqualTo(-2);
    assertThat(Replies.asLong(scripts.run(Script.ACK_JOB, Args.of().add(keys.job(0, "0-NOPE")).list(),
        Args.of().add(keys.prefix(0)).add("0-NOPE").add(1).add(now).add(1).add(60000).add(60000).list()))).isEqualTo(-3);
  }

  @Test
  void requeueExpired_retriesExpiredLeases_andSkipsLiveOnes() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").leaseTimeout(Duration.ofSeconds(1)).build();
    config.configureFunction(spec);
    enqueue("t1", "f");
    claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 1);
    List<byte[]> k = Args.of().add(keys.inflight(0)).list();
    List<Object> early = Replies.asList(scripts.run(Script.REQUEUE_EXPIRED, k,
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(100).list()));
    assertThat(Replies.asLong(early.get(0))).isZero();
    clock.advance(Duration.ofMillis(1001));
    List<Object> late = Replies.asList(scripts.run(Script.REQUEUE_EXPIRED, k,
        Args.of().add(keys.prefix(0)).add(clock.millis()).add(100).list()));
    assertThat(Replies.asLong(late.get(0))).isEqualTo(1);
    assertThat(redis.zcard(keys.queue(0, "t1:f"))).isEqualTo(1);
    assertThat(redis.zcard(keys.inflight(0))).isZero();
    assertThat(claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 1).jobs().get(0).attempt()).isEqualTo(2);
  }

  @Test
  void noScript_fallsBackToEval_once() {
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    redis.scriptFlush();
    String id = enqueue("t1", "f");
    assertThat(redis.exists(keys.job(0, id))).isTrue();
    redis.scriptFlush();
    FunctionSpec spec = config.requireFunction("f");
    assertThat(claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 1).jobs()).hasSize(1);
  }

  @Test
  void peekTenants_whenMoreAreDue_includesTheOldest_andARandomWindow() {
    long now = clock.millis();
    for (int i = 0; i < 100; i++) {
      redis.zadd(keys.tenants(0), now - 1000 + i, String.format("t%03d", i));
    }
    List<String> low = peekedTenants(now, 0.0);
    List<String> high = peekedTenants(now, 0.999);
    assertThat(low).hasSize(8).startsWith("t000", "t001", "t002", "t003").contains("t004");
    assertThat(high).hasSize(8).startsWith("t000", "t001", "t002", "t003").contains("t099");
    // The window wraps: near the end it continues at the first rank past the head.
    assertThat(high).containsExactly("t000", "t001", "t002", "t003", "t099", "t004", "t005", "t006");
  }

  @Test
  void peekWindow_seesEveryTenantAsOften() {
    long now = clock.millis();
    for (int i = 0; i < 40; i++) {
      redis.zadd(keys.tenants(0), now - 1000 + i, String.format("t%03d", i));
    }
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < 36; i++) { // every offset of the 36 positions past the head once
      for (String t : peekedTenants(now, i / 36.0, 40)) {
        seen.merge(t, 1, Integer::sum);
      }
    }
    assertThat(seen.get("t000")).isEqualTo(36);
    for (int i = 4; i < 40; i++) {
      assertThat(seen.get(String.format("t%03d", i))).as("t%03d", i).isEqualTo(4);
    }
  }

  private List<String> peekedTenants(long now, double u) {
    return peekedTenants(now, u, 100);
  }

  private List<String> peekedTenants(long now, double u, int due) {
    List<Object> r = Replies.asList(scripts.run(Script.PEEK_TENANTS,
        Args.of().add(keys.tenants(0)).add(keys.usage(0)).list(),
        Args.of().add(keys.prefix(0)).add(now).add(8).add(Double.toString(u)).add(4).add(60000).list()));
    assertThat(Replies.asLong(r.get(0))).isEqualTo(due);
    List<String> tenants = new java.util.ArrayList<>();
    for (int i = 2; i < r.size(); i += 7) {
      tenants.add(Replies.asString(r.get(i)));
    }
    return tenants;
  }

  @Test
  void leaseJobs_dropsAStrayId_withoutLosingTheJobBehindIt() {
    FunctionSpec spec = FunctionSpec.newBuilder("f").build();
    config.configureFunction(spec);
    String stray = enqueue("t1", "f");
    String second = enqueue("t1", "f");
    String third = enqueue("t1", "f");
    redis.del(keys.job(0, stray)); // e.g. a status record that expired while its id lingered
    PartitionClaimer.Result r = claimer.claim(0, "t1:f", spec, TenantSettings.DEFAULT, 2);
    assertThat(r.jobs()).extracting(LeasedJob::id).containsExactly(second);
    assertThat(redis.zrange(keys.queue(0, "t1:f"), 0, -1)).containsExactly(third);
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

  @Test
  void includes_areInlined() {
    assertThat(scripts.source(Script.ACK_JOB)).contains("local function reindexQueue").doesNotContain("@include");
  }
}
