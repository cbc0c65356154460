package dev.croupier.engine.internal.admin;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Answers {@code functionStats}: every configured function and every function with counted work,
 * with its stored config and its totals over tenants (the scripts' per-function totals: one
 * small HGETALL per shard, whatever the tenants).
 */
public final class FunctionStatsReader {

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final ConfigStore config;

  /** A reader over {@code redis}. */
  public FunctionStatsReader(UnifiedJedis redis, KeySchema keys, ConfigStore config) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Every known function's stats, by name; workers and credits unknown (-1). */
  public List<FunctionStats> read() {
    Map<String, long[]> totals = new TreeMap<>(); // function -> {queued, running, dead}
    config.functionNames().forEach(f -> totals.computeIfAbsent(f, k -> new long[3]));
    List<Response<Map<String, String>>> shards = new ArrayList<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (int shard = 0; shard < keys.shards(); shard++) {
        shards.add(p.hgetAll(keys.functionCounts(shard)));
      }
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading function counters", e);
    }
    for (Response<Map<String, String>> shard : shards) {
      shard.get().forEach((field, n) -> {
        int which = "qrd".indexOf(field.charAt(0));
        if (which >= 0 && field.length() > 2 && field.charAt(1) == ':') {
          totals.computeIfAbsent(field.substring(2), k -> new long[3])[which] += Long.parseLong(n);
        }
      });
    }
    List<String> names = new ArrayList<>(totals.keySet());
    List<Response<Long>> ttls = new ArrayList<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (String fn : names) {
        ttls.add(p.pttl(keys.functionConfig(fn)));
      }
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading function configs", e);
    }
    List<FunctionStats> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String fn = names.get(i);
      long ttl = ttls.get(i).get();
      FunctionStats.Registration reg = ttl == -2 ? FunctionStats.Registration.MISSING
          : ttl == -1 ? FunctionStats.Registration.CONFIGURED : FunctionStats.Registration.REGISTERED;
      FunctionSpec spec = reg == FunctionStats.Registration.MISSING ? FunctionSpec.newBuilder(fn).build()
          : config.function(fn).orElse(FunctionSpec.newBuilder(fn).build());
      long[] t = totals.get(fn);
      out.add(new FunctionStats(spec, reg, config.isFunctionPaused(fn), t[0], t[1], t[2], -1, -1));
    }
    return out;
  }
}
