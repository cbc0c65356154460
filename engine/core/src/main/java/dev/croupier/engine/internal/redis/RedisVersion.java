package dev.croupier.engine.internal.redis;

import dev.croupier.api.CroupierException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.UnifiedJedis;

/**
 * The oldest Redis the engine runs on, checked once at start: the scripts use commands of Redis
 * 6.2 (LPOP with a count), and on an older server they would fail on the first claim rather than
 * at start with a message that says why.
 */
public final class RedisVersion {

  /** The oldest version accepted. */
  public static final String MINIMUM = "6.2.0";

  private static final Pattern VERSION = Pattern.compile("(?m)^redis_version:(\\d+)\\.(\\d+)\\.(\\d+)");

  private RedisVersion() {}

  /** Throws {@link CroupierException} when the server behind {@code redis} is older than {@link #MINIMUM}. */
  public static void require(UnifiedJedis redis) {
    String info;
    try {
      info = redis.info("server");
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading the Redis server's version", e);
    }
    check(info);
  }

  /** The check on an {@code INFO server} reply (a server that names no version is let through). */
  static void check(String infoServer) {
    Matcher m = VERSION.matcher(infoServer);
    if (!m.find()) {
      return; // a Redis-compatible server that does not say: the scripts will tell
    }
    int[] have = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    if (Arrays.compare(have, parts(MINIMUM)) < 0) {
      throw new CroupierException("Croupier needs Redis " + MINIMUM + " or newer, but this server runs "
          + have[0] + "." + have[1] + "." + have[2] + ": upgrade it (or point the engine at a newer one)");
    }
  }

  private static int[] parts(String version) {
    return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
  }
}
