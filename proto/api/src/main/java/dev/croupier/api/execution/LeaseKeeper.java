package dev.croupier.api.execution;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a runner settles the leases it holds: the engine itself (embedded) or the node that
 * dispatched the job (remote).
 */
public interface LeaseKeeper {

  /** Extends {@code job}'s lease by its lease timeout; completes with what the engine said. */
  CompletableFuture<CompletionResult> extend(LeasedJob job);

  /**
   * Records how {@code job} ended; must not throw. The stage completes when the runner may count
   * the job's slot free: an embedded runner's once the engine has the outcome (its slot in Redis
   * is free then too), a remote runner's at once (it resends until a node has it). It may
   * complete on another thread; the handler's thread does not wait for it.
   */
  CompletionStage<?> complete(LeasedJob job, Outcome outcome);
}
