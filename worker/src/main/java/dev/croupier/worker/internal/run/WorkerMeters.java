package dev.croupier.worker.internal.run;

import dev.croupier.api.execution.JobTimeBuckets;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.execution.LeaseKeeper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A worker's meters, in the registry given to {@code WorkerOptions.meterRegistry} (none when none
 * was given: {@link #NONE} records nothing and touches no registry). Jobs by function and outcome,
 * their run time (a timer with a percentile histogram), jobs running, whether connected, and
 * reconnects. Jobs are counted as the worker settles them, through {@link #metered}.
 */
public final class WorkerMeters {

  /** Records nothing. */
  public static final WorkerMeters NONE = new WorkerMeters(null);

  /** Buckets always published for the run time, the same as the engine's job timers. */
  private static final Duration[] SLO_BOUNDARIES = JobTimeBuckets.asArray();

  private final MeterRegistry registry;
  private final Counter reconnects;
  private final Map<String, Counter> jobs = new ConcurrentHashMap<>();
  private final Map<String, Timer> runs = new ConcurrentHashMap<>();
  private boolean connectedOnce;

  /** Meters in {@code registry}; null for none. */
  public WorkerMeters(MeterRegistry registry) {
    this.registry = registry;
    this.reconnects = registry == null ? null : Counter.builder("croupier.worker.reconnects")
        .description("connections made after the first (to the same node or another)")
        .register(registry);
  }

  /** Registers the gauges reading the runtime's state. */
  void bind(IntSupplier running, BooleanSupplier connected) {
    if (registry == null) {
      return;
    }
    // Strong references: the suppliers are lambdas nothing else holds, and a gauge keeps only a
    // weak one by default (it would read NaN after the next collection).
    Gauge.builder("croupier.worker.jobs.active", running, IntSupplier::getAsInt).strongReference(true)
        .description("jobs running in this worker now").register(registry);
    Gauge.builder("croupier.worker.connected", connected, c -> c.getAsBoolean() ? 1 : 0)
        .strongReference(true).description("1 while connected to a node").register(registry);
  }

  /** Counts a connection made; every one after the first is a reconnect. */
  synchronized void connected() {
    if (registry != null && connectedOnce) {
      reconnects.increment();
    }
    connectedOnce = true;
  }

  /** {@code keeper}, counting and timing each job it settles. */
  LeaseKeeper metered(LeaseKeeper keeper) {
    Objects.requireNonNull(keeper, "keeper");
    if (registry == null) {
      return keeper;
    }
    return new LeaseKeeper() {
      @Override
      public CompletableFuture<CompletionResult> extend(LeasedJob job) {
        return keeper.extend(job);
      }

      @Override
      public CompletionStage<?> complete(LeasedJob job, Outcome outcome) {
        record(job.function(), outcome); // first: once the node has the completion, it shows
        return keeper.complete(job, outcome);
      }
    };
  }

  private void record(String function, Outcome outcome) {
    String name = switch (outcome) {
      case Outcome.Success s -> "success";
      case Outcome.Retry r -> "retry";
      case Outcome.Fail f -> "fail";
    };
    Duration cost = switch (outcome) {
      case Outcome.Success s -> s.cost();
      case Outcome.Retry r -> r.cost();
      case Outcome.Fail f -> f.cost();
    };
    jobs.computeIfAbsent(function + '\n' + name, k -> Counter.builder("croupier.worker.jobs")
        .tag("function", function).tag("outcome", name)
        .description("jobs this worker settled, by outcome").register(registry)).increment();
    runs.computeIfAbsent(function, f -> Timer.builder("croupier.worker.job.run").tag("function", f)
        .description("handlers' execution time")
        .publishPercentileHistogram().serviceLevelObjectives(SLO_BOUNDARIES)
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
        .register(registry)).record(cost);
  }
}
