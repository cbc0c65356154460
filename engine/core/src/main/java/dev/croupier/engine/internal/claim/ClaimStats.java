package dev.croupier.engine.internal.claim;

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
