package dev.croupier.engine.internal.claim;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.redis.RedisClients;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs the engine's claim loop one round at a time on the caller's thread, feeding one sink: the
 * same credits and scheduler script calls as an engine's claim threads,
 * but only when a test says so. Lives in the claim package because {@link ClaimLoop#round()} is
 * package-private.
 */
public final class ClaimDriver implements AutoCloseable {

  private final UnifiedJedis redis;
  private final ClaimLoop loop;
  private final ClaimStats stats = new ClaimStats();

  /** A driver claiming in {@code options}' namespace (and clock) for {@code sink} only. */
  public ClaimDriver(EngineOptions options, JobSink sink) {
    Objects.requireNonNull(options, "options");
    this.redis = RedisClients.pooled(options.redisUrl(), 4);
    KeySchema keys = new KeySchema(options.namespace(), options.shards());
    Demand demand = new Demand();
    demand.attach(Objects.requireNonNull(sink, "sink"));
    this.loop = new ClaimLoop(demand, new ClaimLoop.ScriptsAndKeys(new ScriptRegistry(redis), keys, options),
        new ConfigStore(redis, keys, options.configCacheTtl()), new Signal(), stats, new ShardTurns(keys.shards()));
  }

  /** Runs one claim round; returns 0 when it claimed something, else how long the loop would sleep (ms). */
  public long round() {
    return loop.round();
  }

  /** Counters of the rounds run so far. */
  public ClaimStats stats() {
    return stats;
  }

  @Override
  public void close() {
    redis.close();
  }
}
