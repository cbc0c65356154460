package dev.croupier.engine.internal.redis;

import dev.croupier.api.CroupierException;
import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/** Creates the pooled Redis clients an engine uses. */
public final class RedisClients {
  private RedisClients() {}

  /** A pooled client for {@code url} with up to {@code maxConnections} connections. */
  public static UnifiedJedis pooled(String url, int maxConnections) {
    URI uri = URI.create(url);
    if (!JedisURIHelper.isValid(uri)) {
      throw new CroupierException("invalid Redis URL '" + url + "': use redis://host:port");
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMinIdle(0);
    pool.setMaxWait(Duration.ofSeconds(5));
    pool.setJmxEnabled(false);
    DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .database(JedisURIHelper.getDBIndex(uri))
        .ssl(JedisURIHelper.isRedisSSLScheme(uri))
        .connectionTimeoutMillis(2000)
        .socketTimeoutMillis(5000)
        .clientName("croupier")
        .build();
    return new JedisPooled(pool, new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), config);
  }
}
