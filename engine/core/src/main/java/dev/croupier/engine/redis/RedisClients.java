package dev.croupier.engine.redis;

import dev.croupier.api.CroupierException;
import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/** Creates the pooled Redis clients an engine uses. */
public final class RedisClients {

  /** How long a command waits for its reply, and a caller for a free connection, by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private RedisClients() {}

  /** A pooled client for {@code url} with up to {@code maxConnections} connections. */
  public static UnifiedJedis pooled(String url, int maxConnections) {
    return pooled(url, maxConnections, DEFAULT_TIMEOUT);
  }

  /**
   * A pooled client for {@code url} with up to {@code maxConnections} connections, whose commands
   * wait up to {@code timeout} for a reply and for a free connection. The URL's user, password,
   * database and {@code rediss://} scheme apply.
   */
  public static UnifiedJedis pooled(String url, int maxConnections, Duration timeout) {
    URI uri = URI.create(url);
    if (!JedisURIHelper.isValid(uri)) {
      throw new CroupierException("invalid Redis URL '" + url + "': use redis://host:port");
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMinIdle(0);
    pool.setMaxWait(timeout);
    pool.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .database(JedisURIHelper.getDBIndex(uri))
        .connectionTimeoutMillis(2000)
        .socketTimeoutMillis(Math.toIntExact(timeout.toMillis()))
        .clientName("croupier");
    if (JedisURIHelper.isRedisSSLScheme(uri)) {
      // rediss://: TLS; the JVM must trust the server's certificate, which must name the host.
      config.sslOptions(SslOptions.defaults());
    }
    return RedisClient.builder()
        .hostAndPort(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()))
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }
}
