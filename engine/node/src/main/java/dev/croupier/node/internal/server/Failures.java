package dev.croupier.node.internal.server;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.engine.RedisUnavailableException;
import dev.croupier.proto.v1.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an exception from the engine into the typed error a request is answered with. */
final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  /** Answers request {@code correlationId} of {@code peer} with the error {@code t} stands for. */
  static void reply(Peer peer, long correlationId, Throwable t) {
    Throwable cause = unwrap(t);
    ErrorCode code = code(cause);
    if (code == ErrorCode.INTERNAL) {
      log.error("request {} from {} failed", correlationId, peer, cause);
    } else {
      log.debug("request {} from {} refused: {} {}", correlationId, peer, code, cause.getMessage());
    }
    peer.sendError(correlationId, code, message(cause));
  }

  static ErrorCode code(Throwable t) {
    if (t instanceof InvalidRequestException || t instanceof IllegalArgumentException) {
      return ErrorCode.INVALID_REQUEST;
    }
    if (t instanceof RedisUnavailableException) {
      return ErrorCode.UNAVAILABLE;
    }
    if (t instanceof TimeoutException) {
      return ErrorCode.TIMEOUT;
    }
    return ErrorCode.INTERNAL;
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
