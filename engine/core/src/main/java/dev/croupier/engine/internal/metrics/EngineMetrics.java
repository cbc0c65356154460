package dev.croupier.engine.internal.metrics;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.Outcome;
import dev.croupier.engine.internal.claim.ClaimStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The engine's meters. Tenants are not a tag: with thousands of tenants that would explode the
 * series count; per-tenant figures come from Redis (queue sizes, usage) instead.
 */
public final class EngineMetrics {

  private final Counter enqueued;
  private final Counter duplicates;
  private final Counter succeeded;
  private final Counter retried;
  private final Counter failed;
  private final Counter stale;
  private final Counter requeued;

  /** Registers the meters in {@code registry}; claim counters are read from {@code claims}. */
  public EngineMetrics(MeterRegistry registry, ClaimStats claims, IntSupplier embeddedRunning,
      LongSupplier embeddedHandlerErrors) {
    enqueued = Counter.builder("croupier.jobs.enqueued").description("jobs accepted").register(registry);
    duplicates = Counter.builder("croupier.jobs.duplicates")
        .description("enqueues answered with an earlier job (idempotency key)").register(registry);
    succeeded = completed(registry, "success");
    retried = completed(registry, "retry");
    failed = completed(registry, "fail");
    stale = Counter.builder("croupier.jobs.stale_completions")
        .description("completions of leases that were lost (expired, cancelled)").register(registry);
    requeued = Counter.builder("croupier.jobs.requeued_expired")
        .description("jobs requeued or dead-lettered by the scavenger after their lease expired")
        .register(registry);
    FunctionCounter.builder("croupier.claim.rounds", claims, ClaimStats::rounds).register(registry);
    FunctionCounter.builder("croupier.claim.leased", claims, ClaimStats::successfulClaims)
        .description("claims that leased jobs").register(registry);
    FunctionCounter.builder("croupier.claim.at_capacity", claims, ClaimStats::atCapacity)
        .description("claims that found a concurrency limit reached").register(registry);
    FunctionCounter.builder("croupier.claim.empty", claims, ClaimStats::empty)
        .description("claims that found nothing ready for their function").register(registry);
    FunctionCounter.builder("croupier.jobs.leased", claims, ClaimStats::jobsLeased).register(registry);
    FunctionCounter.builder("croupier.handler.errors", embeddedHandlerErrors, LongSupplier::getAsLong)
        .description("embedded handler exceptions (each became a retry or a dead letter)").register(registry);
    Gauge.builder("croupier.jobs.running_embedded", embeddedRunning::getAsInt)
        .description("jobs running on this engine's embedded handlers").register(registry);
  }

  private static Counter completed(MeterRegistry registry, String outcome) {
    return Counter.builder("croupier.jobs.completed").tag("outcome", outcome)
        .description("deliveries ended, by outcome").register(registry);
  }

  /** Counts an enqueue. */
  public void enqueued(boolean duplicate) {
    (duplicate ? duplicates : enqueued).increment();
  }

  /** Counts a completion. */
  public void completed(Outcome outcome, CompletionResult result) {
    if (result != CompletionResult.ACCEPTED) {
      stale.increment();
      return;
    }
    switch (outcome) {
      case Outcome.Success s -> succeeded.increment();
      case Outcome.Retry r -> retried.increment();
      case Outcome.Fail f -> failed.increment();
    }
  }

  /** Counts jobs the scavenger brought back. */
  public void requeued(long n) {
    requeued.increment(n);
  }
}
