package dev.croupier.node.internal.server;

import dev.croupier.engine.metrics.JobTimers;
import dev.croupier.engine.metrics.TenantTags;
import dev.croupier.node.config.Principal;
import dev.croupier.proto.v1.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's meters: connections by role, credits outstanding, requests in flight, and (fed by
 * {@link FrameMeter}) dispatches, completions, error frames by code and the jobs' run time.
 * Registered in the engine's registry, so one {@code /metrics} shows the engine and its node.
 */
final class NodeMeters {

  private final MeterRegistry registry;
  private final JobTimers timers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<String, Counter> dispatches = new ConcurrentHashMap<>();
  private final Map<String, Counter> completions = new ConcurrentHashMap<>();

  NodeMeters(MeterRegistry registry, int tenantSeriesLimit, Set<Peer> peers, WorkerRegistry workers) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.timers = new JobTimers(registry, new TenantTags(tenantSeriesLimit));
    for (Principal.Role role : Principal.Role.values()) {
      Gauge.builder("croupier.node.connections", peers, ps -> count(ps, role))
          .tag("role", role.name().toLowerCase(java.util.Locale.ROOT))
          .description("authenticated connections open now").register(registry);
    }
    Gauge.builder("croupier.node.credits", workers, WorkerRegistry::credits)
        .description("credits workers granted this node and it has not used yet").register(registry);
    Gauge.builder("croupier.node.requests.in_flight", inFlight, AtomicInteger::get)
        .description("requests being processed (they touch Redis)").register(registry);
    for (ErrorCode code : ErrorCode.values()) {
      if (code != ErrorCode.UNRECOGNIZED && code != ErrorCode.ERROR_CODE_UNSPECIFIED) {
        errors.put(code, Counter.builder("croupier.node.errors")
            .tag("code", code.name())
            .description("Error frames sent: requests refused and connections closed, by code")
            .register(registry));
      }
    }
  }

  private static double count(Set<Peer> peers, Principal.Role role) {
    return peers.stream().filter(p -> p.principal().role() == role).count();
  }

  /** {@code blocking}, counting the requests running on it. */
  Executor counting(Executor blocking) {
    Objects.requireNonNull(blocking, "blocking");
    return task -> {
      inFlight.incrementAndGet();
      try {
        blocking.execute(() -> {
          try {
            task.run();
          } finally {
            inFlight.decrementAndGet();
          }
        });
      } catch (RuntimeException e) {
        inFlight.decrementAndGet();
        throw e;
      }
    };
  }

  void errorSent(ErrorCode code) {
    Counter c = errors.get(code);
    if (c != null) {
      c.increment();
    }
  }

  void dispatched(String function) {
    dispatches.computeIfAbsent(function, f -> Counter.builder("croupier.node.dispatches")
        .tag("function", f).description("jobs sent to workers").register(registry)).increment();
  }

  void completed(String tenant, String function, String outcome, Duration cost) {
    completions.computeIfAbsent(function + '\n' + outcome, k -> Counter.builder("croupier.node.completions")
        .tag("function", function).tag("outcome", outcome)
        .description("completions of jobs dispatched on the same connection, by outcome")
        .register(registry)).increment();
    timers.ran(tenant, function, cost);
  }
}
