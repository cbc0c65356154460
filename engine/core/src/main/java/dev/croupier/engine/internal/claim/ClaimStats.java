package dev.croupier.engine.internal.claim;

import dev.croupier.api.LeasedJob;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the claim loops, for metrics and the contention benchmarks. */
public final class ClaimStats {
  final LongAdder rounds = new LongAdder();
  final LongAdder leased = new LongAdder();
  final LongAdder atCapacity = new LongAdder();
  final LongAdder empty = new LongAdder();
  final LongAdder jobs = new LongAdder();
  private final Starts starts;

  /** Where the claim loops report each job they leased (the wait figures are taken from it). */
  @FunctionalInterface
  public interface Starts {
    /**
     * {@code job} was leased at {@code now}; it had been waiting since {@code waitingSince} (epoch
     * ms: the later of its enqueue and when this attempt became due).
     */
    void started(LeasedJob job, long waitingSince, long now);
  }

  /** Counters only; starts are not reported. */
  public ClaimStats() {
    this((job, waitingSince, now) -> {});
  }

  /** Counters, and each leased job reported to {@code starts}. */
  public ClaimStats(Starts starts) {
    this.starts = Objects.requireNonNull(starts, "starts");
  }

  /** Counts what one claim leased at {@code now}, and reports each job it leased as started. */
  void count(Replies.Claimed c, long now) {
    jobs.add(c.jobs().size());
    for (int i = 0; i < c.jobs().size(); i++) {
      starts.started(c.jobs().get(i), c.waitingSince(i), now);
    }
    if (!c.jobs().isEmpty()) {
      leased.increment();
    } else if (c.code() == ReplyCode.AT_CAPACITY) {
      atCapacity.increment();
    } else {
      empty.increment();
    }
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
