package dev.croupier.engine.internal.claim;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the claim loops, for metrics and the contention benchmarks. */
public final class ClaimStats {
  final LongAdder rounds = new LongAdder();
  final LongAdder leased = new LongAdder();
  final LongAdder atCapacity = new LongAdder();
  final LongAdder empty = new LongAdder();
  final LongAdder jobs = new LongAdder();
  private volatile java.util.function.ObjLongConsumer<java.util.List<dev.croupier.api.LeasedJob>> onLeased =
      (jobs, now) -> {};

  /** Calls {@code listener} with the jobs of every claim and the claim's time (the stats' waits). */
  public void onLeased(java.util.function.ObjLongConsumer<java.util.List<dev.croupier.api.LeasedJob>> listener) {
    this.onLeased = java.util.Objects.requireNonNull(listener, "listener");
  }

  void leased(java.util.List<dev.croupier.api.LeasedJob> claimed, long now) {
    onLeased.accept(claimed, now);
  }

  private final Waits waits;

  /** Where the claim loops report how long each job they leased had waited. */
  @FunctionalInterface
  public interface Waits {
    /** Job of {@code tenant} and {@code function} was leased {@code millis} after it became due. */
    void waited(String tenant, String function, long millis);
  }

  /** Counters only; waits are not reported. */
  public ClaimStats() {
    this((tenant, function, millis) -> {});
  }

  /** Counters, and each leased job's wait reported to {@code waits}. */
  public ClaimStats(Waits waits) {
    this.waits = Objects.requireNonNull(waits, "waits");
  }

  void waited(String tenant, String function, long millis) {
    waits.waited(tenant, function, millis);
  }

  /** Claim rounds run. */
  public long rounds() {
    return rounds.sum();
  }

  /** Claims that leased at least one job. */
  public long successfulClaims() {
    return leased.sum();
  }

  /** Claims that found a concurrency limit reached. */
  public long atCapacity() {
    return atCapacity.sum();
  }

  /** Claims that found nothing ready for their function. */
  public long empty() {
    return empty.sum();
  }

  /** Jobs leased. */
  public long jobsLeased() {
    return jobs.sum();
  }
}
