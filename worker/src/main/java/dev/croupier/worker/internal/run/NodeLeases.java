package dev.croupier.worker.internal.run;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.execution.LeaseKeeper;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.ServerException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.croupier.worker.internal.net.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Settles leases through whichever connection is current: a job dispatched by one node can be
 * heartbeated and completed through another. Completions wait in {@link Completions} until a
 * node acknowledges them.
 */
final class NodeLeases implements LeaseKeeper {

  /** A lease to extend and who waits for the answer. */
  private record Extension(LeaseRef lease, CompletableFuture<CompletionResult> result) {}

  private final Supplier<Connection> current;
  private final Completions completions;
  private final BooleanSupplier closed;
  /** Heartbeats due while one is unanswered go together in the next (one frame, many leases). */
  private final Pump<Extension> heartbeats = new Pump<>(Limits.MAX_HEARTBEAT_LEASES, this::heartbeat);

  NodeLeases(Supplier<Connection> current, Completions completions, BooleanSupplier closed) {
    this.current = current;
    this.completions = completions;
    this.closed = closed;
  }

  @Override
  public CompletableFuture<CompletionResult> extend(LeasedJob job) {
    if (current.get() == null) {
      return CompletableFuture.failedFuture(notConnected());
    }
    Extension e = new Extension(JobMessages.leaseRef(job), new CompletableFuture<>());
    heartbeats.add(e);
    return e.result();
  }

  /** Sends one Heartbeat for every lease queued; completes once it is answered. */
  private CompletableFuture<?> heartbeat(List<Extension> batch) {
    Connection c = current.get();
    if (c == null) {
      batch.forEach(e -> e.result().completeExceptionally(notConnected()));
      return CompletableFuture.completedFuture(null);
    }
    Heartbeat.Builder req = Heartbeat.newBuilder();
    batch.forEach(e -> req.addLeases(e.lease()));
    // A reply that never comes must not hold every later heartbeat back.
    return c.request(Envelope.newBuilder().setHeartbeat(req))
        .orTimeout(STUCK_MS, TimeUnit.MILLISECONDS).whenComplete((reply, err) -> {
      for (int i = 0; i < batch.size(); i++) {
        CompletableFuture<CompletionResult> result = batch.get(i).result();
        if (err != null) {
          result.completeExceptionally(err);
        } else if (i < reply.getHeartbeatAck().getResultsCount()) {
          result.complete(JobMessages.result(reply.getHeartbeatAck().getResults(i)));
        } else {
          result.completeExceptionally(new ServerException("BAD_FRAME",
              c.address() + " answered " + batch.size() + " leases with "
                  + reply.getHeartbeatAck().getResultsCount() + " results"));
        }
      }
    });
  }

  /** How long a Heartbeat may stay unanswered before its leases count as not extended. */
  private static final long STUCK_MS = 30_000;

  private static ServerException notConnected() {
    return new ServerException(ServerException.CONNECTION_LOST, "not connected to a node");
  }

  @Override
  public CompletionStage<?> complete(LeasedJob job, Outcome outcome) {
    if (!closed.getAsBoolean()) { // after abort() nothing is sent: the leases run out instead
      completions.send(JobMessages.complete(job, outcome));
    }
    return DONE; // the slot is free at once: Completions resends until a node has it
  }

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
}
