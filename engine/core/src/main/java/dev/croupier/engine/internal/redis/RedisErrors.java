package dev.croupier.engine.internal.redis;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.RedisUnavailableException;
import java.util.List;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Maps Jedis exceptions onto Croupier's: unreachable Redis apart from errors Redis returned. */
public final class RedisErrors {

  /**
   * Error replies by which a reachable Redis says "not now" rather than "no": it is loading its
   * data after a restart (LOADING), a script runs too long (BUSY), a replica lost its primary
   * (MASTERDOWN), a failover left us on a replica (READONLY), or a cluster is resharding or down
   * (TRYAGAIN, CLUSTERDOWN). The same request succeeds later, so callers may retry it.
   */
  private static final List<String> TRANSIENT =
      List.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN");

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
    if (e instanceof JedisException && isTransient(e.getMessage())) {
      return new RedisUnavailableException("Redis cannot serve " + doing + " right now: "
          + e.getMessage() + " (it recovers on its own, e.g. once it has loaded its data after a"
          + " restart; the operation may be retried)", e);
    }
    if (e instanceof JedisException) {
      return new CroupierException("Redis refused " + doing + ": " + e.getMessage(), e);
    }
    return new CroupierException("failed " + doing + ": " + e, e);
  }

  /** Whether Redis's error reply {@code message} means "retry later" (see {@link #TRANSIENT}). */
  static boolean isTransient(String message) {
    if (message == null) {
      return false;
    }
    for (String prefix : TRANSIENT) {
      if (message.startsWith(prefix + " ") || message.equals(prefix)) {
        return true;
      }
    }
    return false;
  }
}
