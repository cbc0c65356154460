package dev.croupier.embeddedredis;

import dev.croupier.api.CroupierException;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real Redis server started from the binary shipped in the {@code embedded-redis} artifact (Redis
 * 6.2), on a free loopback port: the zero-setup default for the CLI, the tests and the benchmarks.
 * Persistence is off: it is for demos and tests, not for keeping data.
 *
 * <p>{@value #SERVER_ENV} names another {@code redis-server} binary to start instead, e.g. a
 * Redis 7 from the system's packages, to run the same tests or benchmarks on it.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

  /** The environment variable naming a {@code redis-server} binary to start instead of the bundled one. */
  public static final String SERVER_ENV = "CROUPIER_REDIS_SERVER";

  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server on a free loopback port; throws if the binary cannot run on this machine. */
  public static EmbeddedRedis start() {
    return start(freePort());
  }

  /** Starts a server on {@code port} of the loopback interface. */
  public static EmbeddedRedis start(int port) {
    String named = System.getenv(SERVER_ENV);
    File binary = named == null || named.isBlank() ? null : new File(named.trim());
    try {
      RedisServerBuilder builder = RedisServer.newRedisServer();
      if (binary != null) {
        if (!binary.canExecute()) {
          throw new CroupierException(SERVER_ENV + " names " + binary + ", which is not an executable"
              + " redis-server; unset it to start the bundled Redis");
        }
        builder.executableProvider(() -> binary);
      }
      RedisServer server = builder
          .port(port)
          .bind("127.0.0.1")
          .setting("save \"\"")
          .setting("appendonly no")
          .setting("maxclients 10000")
          .onShutdownForceStop(true)
          .build();
      server.start();
      log.info("embedded Redis started on 127.0.0.1:{}{}", port, binary == null ? "" : " from " + binary);
      return new EmbeddedRedis(server, port);
    } catch (CroupierException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CroupierException("could not start the embedded Redis server on port " + port
          + " (" + e.getMessage() + "); give an external one with --redis redis://host:port"
          + " or CROUPIER_REDIS_URL", e);
    }
  }

  /** The URL clients connect to. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Stops the server. */
  @Override
  public void close() {
    try {
      server.stop();
      log.debug("embedded Redis on port {} stopped", port);
    } catch (IOException | RuntimeException e) {
      log.warn("could not stop the embedded Redis on port {}", port, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new CroupierException("no free loopback port for the embedded Redis", e);
    }
  }
}
