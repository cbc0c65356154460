package dev.croupier.worker.internal.net;

import java.util.Objects;

/** An engine node's {@code host:port}. */
public record NodeAddress(String host, int port) {

  /** Validates the port and that the host is not blank. */
  public NodeAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
    }
  }

  /** Parses {@code host:port} (IPv6 as {@code [::1]:port}); the message shows a bad value. */
  public static NodeAddress parse(String s) {
    Objects.requireNonNull(s, "address");
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("address must be HOST:PORT: '" + s + "'");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new NodeAddress(host, Integer.parseInt(s.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address must be HOST:PORT with a numeric port: '" + s + "'");
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
