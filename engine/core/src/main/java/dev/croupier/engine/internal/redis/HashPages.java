package dev.croupier.engine.internal.redis;

import java.util.Map;
import java.util.function.BiConsumer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reads a hash that may hold a field per tenant page by page (HSCAN), so no single command's cost
 * grows with the tenants: an HGETALL of a million fields holds Redis for about half a second,
 * stalling every claim. A field changed during the walk may be seen in its old or new value, or
 * (HSCAN's contract) twice; the readers here sum counters for display, where that is harmless.
 */
public final class HashPages {

  /** Fields read per page. */
  public static final int PAGE = 1000;

  private HashPages() {}

  /** Calls {@code action} with every field and value of {@code key}; {@code doing} names the read in errors. */
  public static void forEach(UnifiedJedis redis, String key, String doing, BiConsumer<String, String> action) {
    ScanParams page = new ScanParams().count(PAGE);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<Map.Entry<String, String>> r;
      try {
        r = redis.hscan(key, cursor, page);
      } catch (RuntimeException e) {
        throw RedisErrors.translate(doing, e);
      }
      for (Map.Entry<String, String> field : r.getResult()) {
        action.accept(field.getKey(), field.getValue());
      }
      cursor = r.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }
}
