package dev.croupier.engine.internal.redis;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.RedisUnavailableException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Maps Jedis exceptions onto Croupier's: unreachable Redis apart from errors Redis returned. */
public final class RedisErrors {
  private RedisErrors() {}

  /** The Croupier exception for a failure while {@code doing} something. */
  public static CroupierException translate(String doing, RuntimeException e) {
    if (e instanceof CroupierException ce) {
      return ce;
    }
    if (e instanceof JedisConnectionException) {
      return new RedisUnavailableException(
          "cannot reach Redis while " + doing + ": " + e.getMessage()
              + " (check that Redis is up and the URL is right; the operation may be retried)", e);
    }
    if (e instanceof JedisException) {
      return new CroupierException("Redis refused " + doing + ": " + e.getMessage(), e);
    }
    return new CroupierException("failed " + doing + ": " + e, e);
  }
}
