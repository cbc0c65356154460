package dev.croupier.worker.internal.run;

import dev.croupier.api.tracing.JobTracing;
import dev.croupier.worker.internal.net.ConnectionConfig;
import dev.croupier.worker.internal.net.NodeAddress;
import java.time.Duration;
import java.util.List;

/**
 * What the runtime needs from the worker's options, already parsed.
 *
 * @param addresses the nodes, tried in turn
 * @param connection how each connection introduces itself and how long it waits
 * @param reconnectMinBackoff first wait before reconnecting
 * @param reconnectMaxBackoff longest wait before reconnecting
 * @param shutdownGrace how long close() lets running jobs finish
 * @param tracing how runs are traced
 */
public record RuntimeSettings(
    List<NodeAddress> addresses,
    ConnectionConfig connection,
    Duration reconnectMinBackoff,
    Duration reconnectMaxBackoff,
    Duration shutdownGrace,
    JobTracing tracing) {

  /** Copies the address list. */
  public RuntimeSettings {
    addresses = List.copyOf(addresses);
  }
}
