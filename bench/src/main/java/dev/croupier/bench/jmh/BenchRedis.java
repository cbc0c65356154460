package dev.croupier.bench.jmh;

import dev.croupier.embeddedredis.EmbeddedRedis;

/**
 * The Redis a JMH trial uses: {@code CROUPIER_REDIS_URL} when set, else an embedded server that
 * lives as long as the trial. Each trial uses a fresh namespace and deletes it afterwards.
 */
final class BenchRedis implements AutoCloseable {

  private final EmbeddedRedis embedded;
  private final String url;

  BenchRedis() {
    String external = System.getenv("CROUPIER_REDIS_URL");
    if (external != null && !external.isBlank()) {
      embedded = null;
      url = external.trim();
    } else {
      embedded = EmbeddedRedis.start();
      url = embedded.url();
    }
  }

  String url() {
    return url;
  }

  /** A namespace no other trial uses. */
  static String namespace(String what) {
    return "jmh-" + what + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
