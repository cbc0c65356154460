package dev.croupier.bench.contender;

import java.net.URI;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Deletes keys by pattern with SCAN + UNLINK: how a contender leaves the shared Redis clean. */
final class KeySweeper {

  private final String redisUrl;

  KeySweeper(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  /** Deletes every key matching {@code pattern}; returns how many. */
  long deleteMatching(String pattern) {
    long deleted = 0;
    try (RedisClient jedis = RedisClient.create(URI.create(redisUrl))) {
      ScanParams params = new ScanParams().match(pattern).count(1000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, params);
        List<String> keys = page.getResult();
        if (!keys.isEmpty()) {
          deleted += jedis.unlink(keys.toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    return deleted;
  }
}
