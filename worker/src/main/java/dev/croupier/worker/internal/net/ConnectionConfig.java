package dev.croupier.worker.internal.net;

import dev.croupier.proto.v1.Role;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;

/**
 * How a client connection introduces itself and how long it waits.
 *
 * @param token the token sent in Hello ("" when the node has no tokens file)
 * @param clientName how the node's logs name this client
 * @param role what the client means to do
 * @param ssl TLS context, or null for plain TCP
 * @param connectTimeout how long connecting plus the handshake may take
 * @param maxFrameBytes largest frame accepted from the node
 * @param idleTimeout silence from the node after which the connection is presumed dead
 */
public record ConnectionConfig(
    String token,
    String clientName,
    Role role,
    SslContext ssl,
    Duration connectTimeout,
    int maxFrameBytes,
    Duration idleTimeout) {

  /** Checks the required fields. */
  public ConnectionConfig {
    token = token == null ? "" : token;
    clientName = clientName == null ? "" : clientName;
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }
}
