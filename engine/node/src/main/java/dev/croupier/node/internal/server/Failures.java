package dev.croupier.node.internal.server;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.engine.RedisUnavailableException;
import dev.croupier.proto.v1.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an exception from the engine into the typed error a request is answered with, and logs
 * it: a Redis that cannot serve (down, or loading its data after a restart) is one warning per
 * window however many requests it fails, and a bug is logged with its stack trace, rate-limited
 * too. One instance per node.
 */
final class Failures {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private final LogLimiter unavailable;
  private final LogLimiter internal;

  Failures(LogLimiter unavailable, LogLimiter internal) {
    this.unavailable = unavailable;
    this.internal = internal;
  }

  /** Answers request {@code correlationId} of {@code peer} with the error {@code t} stands for. */
  void reply(Peer peer, long correlationId, Throwable t) {
    Throwable cause = unwrap(t);
    ErrorCode code = code(cause);
    if (code == ErrorCode.INTERNAL) {
      long held = internal.permit();
      if (held >= 0) {
        log.error("request {} from {} failed{}", correlationId, peer, LogLimiter.held(held), cause);
      }
    } else if (code == ErrorCode.UNAVAILABLE) {
      long held = unavailable.permit();
      if (held >= 0) {
        log.warn("answering UNAVAILABLE: {}{}", message(cause), LogLimiter.held(held));
      }
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
