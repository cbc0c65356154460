package dev.croupier.api.execution;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import java.util.concurrent.CompletableFuture;

/**
 * Where a runner settles the leases it holds: the engine itself (embedded) or the node that
 * dispatched the job (remote).
 */
public interface LeaseKeeper {

  /** Extends {@code job}'s lease by its lease timeout; completes with what the engine said. */
  CompletableFuture<CompletionResult> extend(LeasedJob job);

  /**
   * Records how {@code job} ended. May return before the engine has it (a remote runner resends
   * until it does); must not throw.
   */
  void complete(LeasedJob job, Outcome outcome);
}
