package dev.croupier.worker.internal.run;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.execution.LeaseKeeper;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.internal.net.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Settles leases through whichever connection is current: a job dispatched by one node can be
 * heartbeated and completed through another. Completions wait in {@link Completions} until a
 * node acknowledges them.
 */
final class NodeLeases implements LeaseKeeper {

  private final Supplier<Connection> current;
  private final Completions completions;
  private final BooleanSupplier closed;

  NodeLeases(Supplier<Connection> current, Completions completions, BooleanSupplier closed) {
    this.current = current;
    this.completions = completions;
    this.closed = closed;
  }

  @Override
  public CompletableFuture<CompletionResult> extend(LeasedJob job) {
    Connection c = current.get();
    if (c == null) {
      return CompletableFuture.failedFuture(
          new ServerException(ServerException.CONNECTION_LOST, "not connected to a node"));
    }
    return c.request(Envelope.newBuilder().setHeartbeat(Heartbeat.newBuilder()
            .addLeases(JobMessages.leaseRef(job))))
        .thenApply(reply -> JobMessages.result(reply.getHeartbeatAck().getResults(0)));
  }

  @Override
  public void complete(LeasedJob job, Outcome outcome) {
    if (!closed.getAsBoolean()) { // after abort() nothing is sent: the leases run out instead
      completions.send(JobMessages.complete(job, outcome));
    }
  }
}
