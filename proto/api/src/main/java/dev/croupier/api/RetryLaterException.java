package dev.croupier.api;

import java.time.Duration;
import java.util.Objects;

/** Thrown by a handler to retry its job after a given delay (e.g. a provider's Retry-After). */
public class RetryLaterException extends RuntimeException {

  private final Duration retryAfter;

  /** Retries after {@code retryAfter}; the message is kept as the job's last error. */
  public RetryLaterException(Duration retryAfter, String message) {
    super(message);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.compareTo(Outcome.MAX_DURATION) > 0) {
      throw new IllegalArgumentException("retryAfter must be between 0 and "
          + Outcome.MAX_DURATION.toMillis() + " ms: " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** How long to wait before the next attempt. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
