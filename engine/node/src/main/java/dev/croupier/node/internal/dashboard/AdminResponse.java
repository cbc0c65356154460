package dev.croupier.node.internal.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the dashboard answers: a status, a body and its type, and any extra headers.
 *
 * @param status the HTTP status code
 * @param contentType the body's media type
 * @param body the body
 * @param headers headers besides Content-Type and Content-Length
 */
public record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  /** Checks the fields. */
  public AdminResponse {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  /** A JSON body (already serialized). */
  static AdminResponse json(int status, byte[] json) {
    return new AdminResponse(status, "application/json; charset=utf-8", json, Map.of());
  }

  /** A plain-text body. */
  static AdminResponse text(int status, String text) {
    return new AdminResponse(status, "text/plain; charset=utf-8",
        text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** This response with one more header. */
  AdminResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new AdminResponse(status, contentType, body, h);
  }
}
