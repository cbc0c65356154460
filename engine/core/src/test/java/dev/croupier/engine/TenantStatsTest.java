package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobInfo;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.api.admin.TenantStatsQuery.Sort;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.IndexInvariants;
import dev.croupier.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Per-tenant and per-function stats, dead-letter operations, from the counters the scripts keep. */
class TenantStatsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final byte[] PAYLOAD = "x".getBytes(StandardCharsets.UTF_8);

  private static TenantStats only(StatsPage<TenantStats> page, String tenant) {
    return page.items().stream().filter(t -> t.tenant().equals(tenant)).findFirst().orElseThrow();
  }

  private static List<String> names(StatsPage<TenantStats> page) {
    return page.items().stream().map(TenantStats::tenant).toList();
  }

  @Test
  void stats_countQueuedDueDelayedRunningDead_sortAndPage_andShareServedAgainstWeight() throws Exception {
    FakeClock clock = FakeClock.atNow();
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).shards(2)
        .scavengeInterval(Duration.ofDays(1)).clock(clock).build();
    try (EngineRuntime runtime = EngineRuntime.host(options)) {
      Engine engine = runtime.engine();
      engine.configureFunction(FunctionSpec.newBuilder("f").build());
      for (int i = 0; i < 5; i++) {
        engine.enqueue("t1", "f", PAYLOAD, EnqueueOptions.DEFAULTS);
      }
      engine.enqueue("t2", "f", PAYLOAD, EnqueueOptions.DEFAULTS);
      engine.enqueue("t2", "f", PAYLOAD, EnqueueOptions.DEFAULTS);
      engine.enqueue("t2", "f", PAYLOAD, EnqueueOptions.newBuilder().delay(Duration.ofMinutes(5)).build());

      StatsPage<TenantStats> all = engine.tenantStats(TenantStatsQuery.first(Sort.BY_BACKLOG, 10));
      assertThat(names(all)).containsExactly("t1", "t2");
      assertThat(all.nextCursor()).isNull();
      TenantStats t2 = only(all, "t2");
      assertThat(new long[] {t2.queued(), t2.due(), t2.delayed(), t2.running(), t2.dead()})
          .containsExactly(3, 2, 1, 0, 0);
      assertThat(t2.config()).isEqualTo(TenantConfig.defaults("t2"));
      assertThat(t2.waitP50()).isNull();

      // Paging: one tenant a page, by backlog then by name; a cursor from another order is refused.
      StatsPage<TenantStats> first = engine.tenantStats(TenantStatsQuery.first(Sort.BY_BACKLOG, 1));
      assertThat(names(first)).containsExactly("t1");
      assertThat(first.total()).isEqualTo(2);
      StatsPage<TenantStats> second = engine.tenantStats(TenantStatsQuery.first(Sort.BY_BACKLOG, 1).next(first));
      assertThat(names(second)).containsExactly("t2");
      assertThat(second.nextCursor()).isNull();
      StatsPage<TenantStats> byName = engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 1));
      assertThat(names(engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 1).next(byName)))).containsExactly("t2");
      assertThatThrownBy(() -> engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 1).next(first)))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cursor");

      // A filter names tenants, also ones without work.
      StatsPage<TenantStats> some = engine.tenantStats(
          TenantStatsQuery.first(Sort.BY_NAME, 10).only(Set.of("t2", "t9")));
      assertThat(names(some)).containsExactly("t2", "t9");
      assertThat(only(some, "t9").queued()).isZero();

      // Serve t1 one job that waited 250 ms and ran 100 ms: t1 was served everything, t2 nothing.
      clock.advance(Duration.ofMillis(250));
      HoldingSink sink = new HoldingSink("f", 1);
      runtime.leases().attach(sink);
      LeasedJob job = sink.next();
      assertThat(job.tenant()).isEqualTo("t1");
      TenantStats t1 = only(engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 10)), "t1");
      assertThat(new long[] {t1.queued(), t1.running()}).containsExactly(4, 1);
      runtime.leases().complete(job.id(), job.leaseToken(), new Outcome.Success(Duration.ofMillis(100)));

      engine.configureTenant("t2", TenantSettings.DEFAULT.withWeight(3));
      StatsPage<TenantStats> deficit = engine.tenantStats(TenantStatsQuery.first(Sort.BY_SHARE_DEFICIT, 10));
      assertThat(names(deficit)).containsExactly("t2", "t1");
      assertThat(only(deficit, "t1").servedShare()).isEqualTo(1.0);
      assertThat(only(deficit, "t2").servedShare()).isEqualTo(0.0);
      assertThat(only(deficit, "t2").weightShare()).isCloseTo(0.75, within(1e-9));
      assertThat(only(deficit, "t2").config().weight()).isEqualTo(3.0);
      assertThat(only(deficit, "t1").running()).isZero();
      runtime.leases().detach(sink);
    }
    // Waits are written when the engine flushes (every second, and on close).
    try (Engine engine = EngineRuntime.start(options)) {
      TenantStats t1 = only(engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 10)), "t1");
      assertThat(t1.waitP50()).as("250 ms, in the 200-500 ms bin").isEqualTo(Duration.ofMillis(500));
      assertThat(t1.waitP99()).isEqualTo(Duration.ofMillis(500));

      FunctionStats f = engine.functionStats().get(0);
      assertThat(f.function()).isEqualTo("f");
      assertThat(f.registration()).isEqualTo(FunctionStats.Registration.CONFIGURED);
      assertThat(new long[] {f.queued(), f.running(), f.dead()}).containsExactly(7, 0, 0);
    }
  }

  @Test
  void deadLetters_pageReplayAndPurge_keepTheCountersExact() throws Exception {
    String ns = REDIS.newNamespace();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build();
    try (EngineRuntime runtime = EngineRuntime.host(options); RedisClient redis = REDIS.client()) {
      Engine engine = runtime.engine();
      engine.configureFunction(FunctionSpec.newBuilder("f").build());
      HoldingSink sink = new HoldingSink("f", 5);
      runtime.leases().attach(sink);
      for (int i = 0; i < 5; i++) {
        engine.enqueue("t1", "f", PAYLOAD, EnqueueOptions.newBuilder().maxAttempts(1).build());
      }
      for (int i = 0; i < 5; i++) {
        LeasedJob j = sink.next();
        runtime.leases().complete(j.id(), j.leaseToken(), new Outcome.Fail("boom " + i, Duration.ZERO));
      }
      runtime.leases().detach(sink);

      StatsPage<JobInfo> page = engine.deadLetters("t1", null, 2);
      assertThat(page.items()).hasSize(2);
      assertThat(page.total()).isEqualTo(5);
      StatsPage<JobInfo> rest = engine.deadLetters("t1", page.nextCursor(), 10);
      assertThat(rest.items()).hasSize(3);
      assertThat(rest.nextCursor()).isNull();
      assertThat(engine.functionStats().get(0).dead()).isEqualTo(5);

      assertThat(engine.purgeDeadLetter(page.items().get(0).id())).isTrue();
      assertThat(engine.lookup(page.items().get(0).id())).isEmpty();
      assertThat(engine.replayDeadLetters("t1", 2)).isEqualTo(2);
      TenantStats t1 = engine.tenantStats(TenantStatsQuery.first(Sort.BY_NAME, 10)).items().get(0);
      assertThat(new long[] {t1.queued(), t1.dead()}).containsExactly(2, 2);
      assertThat(engine.purgeDeadLetters("t1")).isEqualTo(2);
      assertThat(engine.deadLetters("t1", null, 10).items()).isEmpty();
      IndexInvariants.check(redis, ns, 1);
    }
  }
}
