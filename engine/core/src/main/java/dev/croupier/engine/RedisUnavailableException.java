package dev.croupier.engine;

import dev.croupier.api.CroupierException;

/** Redis could not be reached or did not answer in time; the operation may be retried. */
public class RedisUnavailableException extends CroupierException {

  /** Creates the exception with what was being done and the cause. */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
