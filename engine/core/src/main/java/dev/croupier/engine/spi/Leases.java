package dev.croupier.engine.spi;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What a host of workers (the engine node, the embedded runner) needs from the engine beyond the
 * user's {@link dev.croupier.engine.Engine}: feeding sinks, and settling the leases it hands out.
 * Obtained from {@link dev.croupier.engine.runtime.EngineRuntime#host}; not for producers.
 */
public interface Leases {

  /** Adds a sink that the claim loops feed. */
  void attach(JobSink sink);

  /** Removes a sink; jobs already delivered to it stay its own. */
  void detach(JobSink sink);

  /** Tells the claim loops that credits appeared, so they claim now instead of at the next poll. */
  void wakeClaimers();

  /**
   * Records how a delivery ended. {@code leaseToken} is the leased job's: any other value is
   * answered {@link CompletionResult#UNKNOWN_JOB}, exactly as for a job that does not exist.
   */
  CompletionResult complete(String jobId, String leaseToken, Outcome outcome);

  /**
   * As {@link #complete}, without waiting for Redis: the future completes with the result once
   * the engine has it (an engine may complete it on its own writer thread, so what depends on it
   * should be quick). Never completes exceptionally for a refused lease, only for a failed write.
   */
  default CompletableFuture<CompletionResult> completeAsync(String jobId, String leaseToken, Outcome outcome) {
    try {
      return CompletableFuture.completedFuture(complete(jobId, leaseToken, outcome));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One completion of a batch: a job, the lease token it was dispatched with, how it ended. */
  record Completion(String jobId, String leaseToken, Outcome outcome) {
    public Completion {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(leaseToken, "leaseToken");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * Records several completions together (the engine sends them to Redis in one flush where it
   * can); each is settled exactly as {@link #complete} would settle it alone, and its result is
   * the same. Results in order.
   */
  default List<CompletionResult> completeAll(List<Completion> completions) {
    List<CompletionResult> out = new ArrayList<>(completions.size());
    for (Completion c : completions) {
      out.add(complete(c.jobId(), c.leaseToken(), c.outcome()));
    }
    return out;
  }

  /**
   * As {@link #completeAll}, without waiting for Redis: the future completes with the results
   * once the engine has them (an engine may complete it on its own writer thread, so what
   * depends on it should be quick). A malformed job id is refused at once, thrown as
   * {@link dev.croupier.api.InvalidRequestException} before any of the batch is recorded; a
   * failed write completes the future exceptionally.
   */
  default CompletableFuture<List<CompletionResult>> completeAllAsync(List<Completion> completions) {
    return CompletableFuture.completedFuture(completeAll(completions));
  }

  /** Extends a running job's lease by its function's lease timeout; the token as for complete. */
  CompletionResult extendLease(String jobId, String leaseToken);

  /** A lease to extend: a running job and the token it was dispatched with. */
  record Lease(String jobId, String leaseToken) {
    public Lease {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(leaseToken, "leaseToken");
    }
  }

  /**
   * Extends several leases together (one flush to Redis where the engine can: a heartbeat's
   * leases); each is judged exactly as {@link #extendLease} would judge it alone. Results in order.
   */
  default List<CompletionResult> extendLeases(List<Lease> leases) {
    List<CompletionResult> out = new ArrayList<>(leases.size());
    for (Lease l : leases) {
      out.add(extendLease(l.jobId(), l.leaseToken()));
    }
    return out;
  }

  /** Whether Redis answers a PING now (for health checks). */
  boolean redisReachable();
}
