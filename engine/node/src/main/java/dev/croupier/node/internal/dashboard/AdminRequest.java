package dev.croupier.node.internal.dashboard;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An HTTP request to the dashboard, independent of the server that received it.
 *
 * @param method the HTTP method, upper case
 * @param path the decoded path, without the query
 * @param query the decoded query parameters
 * @param header looks a header up by name (case-insensitive), null when absent
 * @param body the request body (empty for none)
 * @param remote the client's address
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query,
    Function<String, String> header, byte[] body, InetAddress remote) {

  /** Checks the fields. */
  public AdminRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = Map.copyOf(query);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(remote, "remote");
  }

  /** The first value of query parameter {@code name}, or {@code fallback}. */
  public String param(String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  /** Whether this is a POST. */
  public boolean isPost() {
    return method.equals("POST");
  }
}
