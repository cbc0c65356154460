package dev.croupier.bench.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a scenario runs, as the command line gave it.
 *
 * @param redisUrl the Redis every contender shares
 * @param runId a short id unique to this run, part of every key prefix
 * @param duration how long each contender runs
 * @param scale multiplies backlog sizes (1.0 = the documented full run)
 * @param slots worker slots per contender
 * @param contenders which contenders to run (empty = the scenario's default set)
 * @param outDir where charts go
 * @param charts whether to draw charts
 * @param seed seed of every random choice, so runs are reproducible
 * @param command the command line that started the run, for the report
 * @param claimThreads claim loops of the Croupier contenders (0 = the engine's default)
 * @param rivals how many tenants the spreading tenant of shares-spread competes with (0 = the
 *     scenario's default)
 */
public record ScenarioSettings(String redisUrl, String runId, Duration duration, double scale,
    int slots, List<String> contenders, Path outDir, boolean charts, long seed, String command,
    int claimThreads, int rivals) {

  /** Checks the fields. */
  public ScenarioSettings {
    Objects.requireNonNull(redisUrl, "redisUrl");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(duration, "duration");
    if (duration.toMillis() < 1000) {
      throw new IllegalArgumentException("duration must be at least 1 s: " + duration);
    }
    if (!(scale > 0) || scale > 100) {
      throw new IllegalArgumentException("scale must be in (0, 100]: " + scale);
    }
    if (slots <= 0 || slots > 4096) {
      throw new IllegalArgumentException("slots must be between 1 and 4096: " + slots);
    }
    contenders = List.copyOf(contenders);
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(command, "command");
    if (rivals < 0 || rivals > 10_000) {
      throw new IllegalArgumentException("rivals must be between 0 (the default) and 10000: " + rivals);
    }
  }

  /** The contenders to run: those asked for, else {@code defaults}. */
  public List<String> contendersOr(List<String> defaults) {
    return contenders.isEmpty() ? defaults : contenders;
  }

  /** {@code n} scaled, at least {@code min}. */
  public long scaled(long n, long min) {
    return Math.max(min, Math.round(n * scale));
  }
}
