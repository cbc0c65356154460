package dev.croupier.engine.metrics;

import dev.croupier.api.execution.JobTimeBuckets;
import dev.croupier.api.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The two job timers, tagged by function (and tenant, when {@link TenantTags} are enabled):
 * {@value #WAIT} (from when a job became due to when it was leased: its enqueue time, or its
 * run-at or retry time when later, so a delay that was asked for is not counted as waiting) and
 * {@value #RUN} (the handler's execution time a worker, remote or embedded, reports in its
 * completion). Both publish a
 * percentile histogram and the {@link #SLO_BOUNDARIES}, so Prometheus can compute any quantile
 * across nodes ({@code histogram_quantile}) and the share of jobs within an objective exactly.
 */
public final class JobTimers {

  /** Wait from due to start. */
  public static final String WAIT = "croupier.job.wait";
  /** Run time reported by workers. */
  public static final String RUN = "croupier.job.run";

  /** Buckets always published, so SLOs such as "99% start within 1 s" read off exact counts. */
  public static final Duration[] SLO_BOUNDARIES = JobTimeBuckets.asArray();

  private final MeterRegistry registry;
  private final TenantTags tenants;
  /** Timers by name, function and tenant tag: the registry's own lookup allocates per call. */
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

  private record Key(String name, String function, String tenant) {}

  /** Timers registered in {@code registry}, tenant-tagged as {@code tenants} say. */
  public JobTimers(MeterRegistry registry, TenantTags tenants) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
  }

  /** Records that a job of {@code tenant} and {@code function} waited {@code millis} to start. */
  public void waited(String tenant, String function, long millis) {
    timer(WAIT, tenant, function).record(millis, TimeUnit.MILLISECONDS);
  }

  /** Records that a job of {@code tenant} and {@code function} ran for {@code cost}. */
  public void ran(String tenant, String function, Duration cost) {
    timer(RUN, tenant, function).record(cost);
  }

  /** Records the run time {@code outcome} reports for a job of {@code tenant} and {@code function}. */
  public void ran(String tenant, String function, Outcome outcome) {
    ran(tenant, function, switch (outcome) {
      case Outcome.Success s -> s.cost();
      case Outcome.Retry r -> r.cost();
      case Outcome.Fail f -> f.cost();
    });
  }

  private Timer timer(String name, String tenant, String function) {
    String tenantTag = tenants.enabled() ? tenants.tag(tenant) : null;
    return timers.computeIfAbsent(new Key(name, function, tenantTag), k -> build(k));
  }

  private Timer build(Key k) {
    Tags tags = Tags.of("function", k.function());
    if (k.tenant() != null) {
      tags = tags.and("tenant", k.tenant());
    }
    return Timer.builder(k.name())
        .description(k.name().equals(WAIT)
            ? "time from when a job became due to when it was leased"
            : "jobs' execution time as their workers report it")
        .tags(tags)
        .publishPercentileHistogram()
        .serviceLevelObjectives(SLO_BOUNDARIES)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
  }
}
