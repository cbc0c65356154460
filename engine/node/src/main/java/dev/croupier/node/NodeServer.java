package dev.croupier.node;

import dev.croupier.engine.Engine;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.internal.server.Node;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An engine node's server: accepts workers and producers on one port (TLS when configured), feeds
 * the engine's claim loops from the workers' credits, and answers producers. Closing it drains:
 * no more dispatches, a Goodbye to everyone, a grace for workers to finish and move, then close.
 * The engine itself stays open; its owner closes it.
 */
public final class NodeServer implements AutoCloseable {

  private final Node node;

  private NodeServer(Node node) {
    this.node = node;
  }

  /**
   * Binds and starts serving {@code runtime}'s engine; throws when the port is taken, TLS files
   * are unreadable, or the node would accept unauthenticated connections from beyond loopback.
   */
  public static NodeServer start(EngineRuntime runtime, ServerOptions options) {
    Objects.requireNonNull(runtime, "runtime");
    return new NodeServer(Node.start(runtime.engine(), runtime.leases(),
        Objects.requireNonNull(options, "options")));
  }

  /**
   * Checks, without binding, what {@link #start} would refuse about {@code options}: an unknown
   * host, a non-loopback host without tokens, TLS files that cannot be read. Lets a launcher
   * refuse bad settings before it connects to Redis.
   */
  public static void check(ServerOptions options) {
    Node.check(Objects.requireNonNull(options, "options"));
  }

  /** The address it listens on (with the bound port when 0 was asked). */
  public InetSocketAddress address() {
    return node.address();
  }

  /** This node's id, as sent to peers in Welcome. */
  public String nodeId() {
    return node.nodeId();
  }

  /** Connections open now. */
  public int connections() {
    return node.connections();
  }

  /** The engine it serves. */
  public Engine engine() {
    return node.engine();
  }

  /** Drains and closes (see the class documentation). */
  @Override
  public void close() {
    node.close();
  }
}
