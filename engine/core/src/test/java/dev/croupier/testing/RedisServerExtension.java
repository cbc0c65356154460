package dev.croupier.testing;

import dev.croupier.embeddedredis.EmbeddedRedis;
import dev.croupier.engine.EngineOptions;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * The real Redis every test talks to: the server named by {@code CROUPIER_REDIS_URL} when set,
 * otherwise one embedded server per test JVM (started on first use, stopped when the run ends).
 * Tests isolate themselves by key namespace ({@link #newNamespace()}), not by flushing.
 *
 * <pre>{@code @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();}</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AutoCloseable {

  private static final AtomicLong NAMESPACES = new AtomicLong();
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RedisServerExtension.class);

  private volatile String url;
  private volatile EmbeddedRedis owned;

  /**
   * A server for test engines that do not run Jupiter extensions (jqwik properties): the one
   * named by {@code CROUPIER_REDIS_URL}, or an embedded server of its own that {@link #close()}
   * stops. Jupiter tests use the extension instead.
   */
  public static RedisServerExtension standalone() {
    RedisServerExtension r = new RedisServerExtension();
    String external = System.getenv("CROUPIER_REDIS_URL");
    if (external != null && !external.isBlank()) {
      r.url = external.trim();
    } else {
      r.owned = EmbeddedRedis.start();
      r.url = r.owned.url();
    }
    return r;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String external = System.getenv("CROUPIER_REDIS_URL");
    if (external != null && !external.isBlank()) {
      url = external.trim();
      return;
    }
    // One server per JVM: the root store closes it when the whole run ends.
    Server server = context.getRoot().getStore(STORE)
        .computeIfAbsent("server", k -> new Server(EmbeddedRedis.start()), Server.class);
    url = server.redis.url();
  }

  /** The Redis URL. */
  public String url() {
    if (url == null) {
      throw new IllegalStateException("register RedisServerExtension as a static @RegisterExtension field");
    }
    return url;
  }

  /** A key namespace no other test in this run uses. */
  public String newNamespace() {
    return "t" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
  }

  /** Engine options on this server in a namespace no other test in this run uses. */
  public EngineOptions.Builder newOptions() {
    return EngineOptions.newBuilder().redisUrl(url()).namespace(newNamespace());
  }

  /** A plain client for asserting on Redis contents; close it after use. */
  public RedisClient client() {
    return RedisClient.create(java.net.URI.create(url()));
  }

  /** Stops the server that {@link #standalone()} started, if any. */
  @Override
  public void close() {
    EmbeddedRedis r = owned;
    owned = null;
    if (r != null) {
      r.close();
    }
  }

  private record Server(EmbeddedRedis redis) implements AutoCloseable {
    @Override
    public void close() {
      redis.close();
    }
  }
}
