package dev.croupier.app.cli;

import dev.croupier.embeddedredis.EmbeddedRedis;
import picocli.CommandLine.Option;

/**
 * The {@code --redis} option every command that needs Redis mixes in: an external Redis or Valkey
 * when given (or {@code CROUPIER_REDIS_URL}), else an embedded server for the command's lifetime.
 */
public final class RedisOption {

  @Option(
      names = "--redis",
      paramLabel = "URL",
      description = "redis://host:port of an external Redis or Valkey (default: $CROUPIER_REDIS_URL,"
          + " else an embedded server)")
  String url;

  /** Resolves the Redis to use; close the result when the command ends. */
  public Target open() {
    String given = url != null ? url : System.getenv("CROUPIER_REDIS_URL");
    if (given != null && !given.isBlank()) {
      return new Target(given.trim(), null);
    }
    EmbeddedRedis embedded = EmbeddedRedis.start();
    return new Target(embedded.url(), embedded);
  }

  /** A Redis URL and, when embedded, the server to stop afterwards. */
  public record Target(String url, EmbeddedRedis embedded) implements AutoCloseable {
    /** Whether this is the embedded server. */
    public boolean isEmbedded() {
      return embedded != null;
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
