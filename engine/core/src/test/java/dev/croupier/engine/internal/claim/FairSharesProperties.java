package dev.croupier.engine.internal.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import redis.clients.jedis.RedisClient;

/**
 * The scheduler against the reference it is meant to be: random tenants (weights 1/2/4/8, each
 * with its own job cost from 1 to 50 ms), random arrivals, and claims of random sizes, each
 * claim's jobs completed with their cost, run through the real claim and completion scripts and
 * through {@link FairQueuingModel} side by side. After every claim, each tenant's served cost
 * may differ from the model's by at most the lag bound of {@code docs/design.md}: one claim's
 * jobs at the largest cost, plus one job at the tenant's first, unmeasured cost.
 */
class FairSharesProperties {

  private static RedisServerExtension redis;

  @BeforeContainer
  static void startRedis() {
    redis = RedisServerExtension.standalone();
  }

  @AfterContainer
  static void stopRedis() {
    redis.close();
  }

  /** A tenant: its weight and what each of its jobs costs. */
  record Tenant(int weight, long cost) {}

  /** One step: {@code arrive} jobs for tenant {@code tenant}, then a claim of {@code claim} jobs. */
  record Step(int tenant, int arrive, int claim) {}

  @Property(tries = 30)
  void servedCost_staysWithinTheLagBound_ofExactFairQueuing(
      @ForAll("tenants") List<Tenant> tenants, @ForAll("steps") List<Step> steps) {
    check(tenants, steps);
  }

  /**
   * Many tenants with a job or two each: most tenants a claim serves leave the ready set, so the
   * claim walks it a window at a time (claimJobs), past the window's end and back.
   */
  @Property(tries = 15)
  void manyOneJobTenants_stayWithinTheLagBound_too(
      @ForAll("manyTenants") List<Tenant> tenants, @ForAll("sparseSteps") List<Step> steps) {
    check(tenants, steps);
  }

  private void check(List<Tenant> tenants, List<Step> steps) {
    FakeClock clock = FakeClock.atNow();
    // Each claim leases all the model serves: a machine that pauses Redis must not cut it short.
    EngineOptions options = EngineOptions.newBuilder().redisUrl(redis.url()).namespace(redis.newNamespace())
        .clock(clock).scriptBudget(Duration.ofSeconds(1)).build();
    KeySchema keys = new KeySchema(options.namespace(), 1);
    try (RedisClient jedis = redis.client();
        Enqueuer enqueuer = new Enqueuer(new ScriptRegistry(jedis), keys,
            new ConfigStore(jedis, keys, Duration.ofMinutes(1)), options)) {
      ScriptRegistry scripts = new ScriptRegistry(jedis);
      ConfigStore config = new ConfigStore(jedis, keys, Duration.ofMinutes(1));
      Claimer claimer = new Claimer(scripts, keys, options);
      FunctionSpec spec = FunctionSpec.newBuilder("f").build();
      config.configureFunction(spec);
      FairQueuingModel model = new FairQueuingModel();
      long maxCost = 0;
      for (int i = 0; i < tenants.size(); i++) {
        config.configureTenant(name(i), new TenantSettings(tenants.get(i).weight(), 0, false));
        model.weight(name(i), tenants.get(i).weight());
        maxCost = Math.max(maxCost, tenants.get(i).cost());
      }
      Map<String, Double> served = new HashMap<>();
      int maxClaim = 0;
      for (Step step : steps) {
        int t = step.tenant() % tenants.size();
        List<JobRequest> batch = new ArrayList<>();
        for (int j = 0; j < step.arrive(); j++) {
          batch.add(new JobRequest(name(t), "f", new byte[0], EnqueueOptions.DEFAULTS));
          model.arrive(name(t), tenants.get(t).cost());
        }
        if (!batch.isEmpty()) {
          enqueuer.enqueue(batch);
        }
        maxClaim = Math.max(maxClaim, step.claim());
        List<LeasedJob> jobs = claimer.claim(List.of(new Claimer.Request(0, spec, step.claim())),
            clock.millis()).get(0).jobs();
        int modelServed = 0;
        for (int j = 0; j < step.claim() && model.serveOne() != null; j++) {
          modelServed++;
        }
        assertThat(jobs).as("jobs claimed (the model served %d)", modelServed).hasSize(modelServed);
        complete(scripts, keys, clock.millis(), jobs, tenants);
        for (LeasedJob job : jobs) {
          served.merge(job.tenant(), (double) tenants.get(index(job.tenant())).cost(), Double::sum);
        }
        double bound = (maxClaim + 1) * maxCost;
        for (int i = 0; i < tenants.size(); i++) {
          double lag = served.getOrDefault(name(i), 0.0) - model.served(name(i));
          assertThat(Math.abs(lag)).as("tenant %s (weight %d, cost %d): served %s, the model %s",
              name(i), tenants.get(i).weight(), tenants.get(i).cost(), served.getOrDefault(name(i), 0.0),
              model.served(name(i))).isLessThanOrEqualTo(bound);
        }
      }
      IndexInvariants.check(jedis, options.namespace(), 1);
    }
  }

  private static void complete(ScriptRegistry scripts, KeySchema keys, long now, List<LeasedJob> jobs,
      List<Tenant> tenants) {
    if (jobs.isEmpty()) {
      return;
    }
    Args a = Args.of().add(keys.prefix(0)).add(now).add(60_000).add(3_600_000).add(1).add(1_000_000);
    for (LeasedJob job : jobs) {
      a.add(job.id()).add(job.leaseToken()).add("s").add(tenants.get(index(job.tenant())).cost()).add(-1)
          .add("").add("0.5");
    }
    List<ReplyCode> codes = Replies.codes(scripts.run(Script.COMPLETE_JOBS,
        Args.of().add(keys.inflight(0)).list(), a.list()));
    assertThat(codes).containsOnly(ReplyCode.OK);
  }

  private static String name(int i) {
    return "t" + i;
  }

  private static int index(String name) {
    return Integer.parseInt(name.substring(1));
  }

  @Provide
  Arbitrary<List<Tenant>> tenants() {
    return tenants(2, 6);
  }

  @Provide
  Arbitrary<List<Tenant>> manyTenants() {
    return tenants(20, 60);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    return steps(5, 12, 8, 5, 60);
  }

  @Provide
  Arbitrary<List<Step>> sparseSteps() {
    return steps(59, 2, 40, 20, 120);
  }

  /** Between {@code min} and {@code max} tenants of weights 1/2/4/8 and job costs 1-50 ms. */
  private static Arbitrary<List<Tenant>> tenants(int min, int max) {
    Arbitrary<Integer> weight = Arbitraries.of(1, 2, 4, 8);
    Arbitrary<Long> cost = Arbitraries.of(1L, 2L, 5L, 10L, 50L);
    return Combinators.combine(weight, cost).as(Tenant::new).list().ofMinSize(min).ofMaxSize(max);
  }

  /** {@code min} to {@code max} steps over tenant indexes 0 to {@code lastTenant}. */
  private static Arbitrary<List<Step>> steps(int lastTenant, int maxArrive, int maxClaim, int min, int max) {
    Arbitrary<Integer> tenant = Arbitraries.integers().between(0, lastTenant);
    Arbitrary<Integer> arrive = Arbitraries.integers().between(0, maxArrive);
    Arbitrary<Integer> claim = Arbitraries.integers().between(1, maxClaim);
    return Combinators.combine(tenant, arrive, claim).as(Step::new).list().ofMinSize(min).ofMaxSize(max);
  }
}
