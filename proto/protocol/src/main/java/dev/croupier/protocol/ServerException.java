package dev.croupier.protocol;

import dev.croupier.api.CroupierException;
import java.util.Objects;

/**
 * An engine node refused a request or dropped the connection: {@link #code()} is the protocol's
 * error code (e.g. {@code PERMISSION_DENIED}, {@code NOT_FOUND}, {@code CONFLICT},
 * {@code TIMEOUT}, {@code UNAVAILABLE}) and the message is the node's.
 */
public class ServerException extends CroupierException {

  /** The code of a connection that was lost before the reply came. */
  public static final String CONNECTION_LOST = "CONNECTION_LOST";

  private final String code;

  /** Creates the exception from a node's error code and message. */
  public ServerException(String code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Creates the exception with its cause. */
  public ServerException(String code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The protocol error code, or {@link #CONNECTION_LOST}. */
  public String code() {
    return code;
  }
}
