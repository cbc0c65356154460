package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.metrics.JobTimers;
import dev.croupier.engine.metrics.TenantTags;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.Await;
import dev.croupier.testing.FakeClock;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine's job meters: wait timers, the per-tenant cap, the backlog and running gauges. */
class EngineMetricsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final byte[] PAYLOAD = {1};

  @Test
  void wait_ofDelayedJob_countsFromItsRunAt_notFromItsEnqueue() throws Exception {
    FakeClock clock = FakeClock.atNow();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).clock(clock).meterRegistry(registry).build();
    try (EngineRuntime engine = EngineRuntime.host(options)) {
      engine.engine().configureFunction(FunctionSpec.newBuilder("mail").build());
      engine.engine().enqueue("t1", "mail", PAYLOAD, EnqueueOptions.DEFAULTS);
      engine.engine().enqueue("t2", "mail", PAYLOAD,
          EnqueueOptions.newBuilder().delay(Duration.ofSeconds(60)).build());
      clock.advance(Duration.ofMillis(60_500));
      HoldingSink sink = new HoldingSink("mail", 2);
      engine.leases().attach(sink);
      sink.next();
      sink.next();

      Timer wait = registry.get(JobTimers.WAIT).tag("function", "mail").timer();
      assertThat(wait.count()).isEqualTo(2);
      // The immediate job waited the whole 60.5 s; the delayed one only the 0.5 s since its run-at.
      assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(60_500);
      assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(61_000);
      assertThat(wait.getId().getTag("tenant")).as("no tenant tag unless asked for").isNull();
      engine.leases().detach(sink);
    }
  }

  @Test
  void run_ofEmbeddedJobs_isTimedFromTheirReportedCost() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).meterRegistry(registry).build())) {
      engine.register(FunctionSpec.newBuilder("nap").build(), 2, job -> Thread.sleep(30));
      String id = engine.enqueue("t1", "nap", PAYLOAD, EnqueueOptions.DEFAULTS).jobId();
      engine.awaitCompletion(id, Duration.ofSeconds(20)).get();
      Timer run = registry.get(JobTimers.RUN).tag("function", "nap").timer();
      assertThat(run.count()).isEqualTo(1);
      assertThat(run.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(30);
    }
  }

  @Test
  void tenantSeries_beyondTheLimit_areSummedAsOther() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).meterRegistry(registry).tenantSeriesLimit(2).build();
    try (EngineRuntime engine = EngineRuntime.host(options)) {
      engine.engine().configureFunction(FunctionSpec.newBuilder("mail").build());
      for (String tenant : new String[] {"a", "b", "c", "d"}) {
        engine.engine().enqueue(tenant, "mail", PAYLOAD, EnqueueOptions.DEFAULTS);
      }
      HoldingSink sink = new HoldingSink("mail", 4);
      engine.leases().attach(sink);
      for (int i = 0; i < 4; i++) {
        sink.next();
      }
      Set<String> tags = registry.find(JobTimers.WAIT).timers().stream()
          .map(t -> t.getId().getTag("tenant")).collect(Collectors.toSet());
      assertThat(tags).hasSize(3).contains(TenantTags.OTHER);
      assertThat(registry.get(JobTimers.WAIT).tag("tenant", TenantTags.OTHER).timer().count())
          .as("the two tenants past the limit share one series").isEqualTo(2);
      engine.leases().detach(sink);
    }
  }

  @Test
  void backlogAndRunning_perFunction_comeFromRedis() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EngineOptions options = EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).meterRegistry(registry).shards(2).build();
    try (EngineRuntime engine = EngineRuntime.host(options)) {
      engine.engine().configureFunction(FunctionSpec.newBuilder("queued").build());
      engine.engine().configureFunction(FunctionSpec.newBuilder("busy").build());
      engine.engine().configureFunction(FunctionSpec.newBuilder("idle").build());
      for (int i = 0; i < 3; i++) {
        engine.engine().enqueue("x" + i, "queued", PAYLOAD, EnqueueOptions.DEFAULTS);
      }
      for (int i = 0; i < 2; i++) {
        engine.engine().enqueue("y", "queued", PAYLOAD,
            EnqueueOptions.newBuilder().delay(Duration.ofHours(1)).build());
      }
      for (int i = 0; i < 4; i++) {
        engine.engine().enqueue("z" + i, "busy", PAYLOAD, EnqueueOptions.DEFAULTS);
      }
      HoldingSink sink = new HoldingSink("busy", 3);
      engine.leases().attach(sink);
      for (int i = 0; i < 3; i++) {
        sink.next();
      }
      // The census runs every few seconds: wait for one taken after the claims.
      Await.until(Duration.ofSeconds(15), () -> "gauges: " + gauges(registry), () ->
          gauge(registry, "croupier.jobs.backlog", "queued") == 5
              && gauge(registry, "croupier.jobs.running", "busy") == 3
              && gauge(registry, "croupier.jobs.backlog", "busy") == 1);
      assertThat(gauge(registry, "croupier.jobs.running", "queued")).isZero();
      assertThat(gauge(registry, "croupier.jobs.backlog", "idle"))
          .as("a function without work reports 0, not nothing").isZero();
      engine.leases().detach(sink);
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name, String function) {
    Gauge g = registry.find(name).tag("function", function).gauge();
    return g == null ? -1 : g.value();
  }

  private static String gauges(SimpleMeterRegistry registry) {
    return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("croupier.jobs.b")
            || m.getId().getName().equals("croupier.jobs.running"))
        .map(m -> m.getId().getName() + m.getId().getTags() + "=" + ((Gauge) m).value())
        .collect(Collectors.joining(", "));
  }
}
