package dev.croupier.bench.contender;

import dev.croupier.engine.redis.RedisClients;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Jedis client a baseline contender uses: one pool sized for its worker slots plus producers,
 * and deletion of everything under its key prefix. The same client library Croupier uses, so the
 * comparison is of designs, not of clients.
 */
final class BaselineRedis implements AutoCloseable {

  private static final int SPARE_CONNECTIONS = 8;

  private final UnifiedJedis jedis;
  private final String prefix;

  /** Blocking pops and big pipelines under load: longer than the engine's default timeout. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  BaselineRedis(String redisUrl, String prefix, int maxSlots) {
    Objects.requireNonNull(redisUrl, "redisUrl");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.jedis = RedisClients.pooled(redisUrl, maxSlots + SPARE_CONNECTIONS, TIMEOUT);
  }

  UnifiedJedis jedis() {
    return jedis;
  }

  /** The key named {@code suffix} under this contender's prefix. */
  String key(String suffix) {
    return prefix + suffix;
  }

  /** Deletes every key under the prefix (SCAN + UNLINK, so other users of the Redis are untouched). */
  void deleteKeys() {
    ScanParams params = new ScanParams().match(prefix + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      List<String> keys = page.getResult();
      if (!keys.isEmpty()) {
        jedis.unlink(keys.toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  @Override
  public void close() {
    jedis.close();
  }
}
