package dev.croupier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis of its own (the embedded binary, persistence on, in a temporary directory) that can
 * be restarted into its LOADING state: the state a Redis is in while it reads its data back after
 * a restart, when it answers every command with {@code -LOADING}. Loading is slowed down on
 * purpose ({@code key-load-delay} over a ballast of incompressible keys) so that it lasts a few
 * seconds and answers promptly meanwhile.
 */
public final class LoadingRedis implements AutoCloseable {

  /** Keys of ballast; with {@link #BALLAST_VALUE_BYTES} and the delay, loading takes ~3 s. */
  private static final int BALLAST_KEYS = 1000;
  /** Large values: Redis serves clients between every 2 MB it loads, so ~100 keys, ~0.3 s. */
  private static final int BALLAST_VALUE_BYTES = 20_000;
  private static final int KEY_LOAD_DELAY_MICROS = 3000;

  private final Path dir;
  private final int port;
  private Process process;

  private LoadingRedis(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server on a free loopback port, loaded (empty) and answering. */
  public static LoadingRedis start() {
    try {
      LoadingRedis r = new LoadingRedis(Files.createTempDirectory("croupier-loading-redis"), freePort());
      r.launch(0);
      r.awaitLoaded(Duration.ofSeconds(20));
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL clients connect to. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Saves the data (plus ballast), stops the server and starts it again on the same port and
   * data; returns once it answers LOADING. It keeps loading for a few seconds.
   */
  public void restartLoading() {
    try (Jedis j = new Jedis("127.0.0.1", port)) {
      j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", Integer.toString(BALLAST_KEYS),
          "ballast", Integer.toString(BALLAST_VALUE_BYTES));
      j.save();
    }
    stop();
    launch(KEY_LOAD_DELAY_MICROS);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!"LOADING".equals(ping())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the restarted Redis never answered LOADING");
      }
      sleep(10);
    }
  }

  /** Waits until the server answers PING with PONG (it has loaded its data). */
  public void awaitLoaded(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!"PONG".equals(ping())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Redis on port " + port + " did not finish loading within " + timeout);
      }
      sleep(20);
    }
  }

  /** PONG, LOADING, or DOWN when nothing answers. */
  private String ping() {
    try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
      return j.ping();
    } catch (JedisDataException e) {
      return e.getMessage() != null && e.getMessage().startsWith("LOADING") ? "LOADING" : e.getMessage();
    } catch (JedisConnectionException e) {
      return "DOWN";
    }
  }

  private void launch(int keyLoadDelayMicros) {
    try {
      Path conf = dir.resolve("redis.conf");
      Files.write(conf, List.of(
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "dbfilename dump.rdb",
          "save \"\"",
          "appendonly no",
          "rdbcompression no",
          "key-load-delay " + keyLoadDelayMicros));
      String binary = ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
      process = new ProcessBuilder(binary, conf.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops the server and deletes its files. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
