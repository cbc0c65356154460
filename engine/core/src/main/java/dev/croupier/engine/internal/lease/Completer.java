package dev.croupier.engine.internal.lease;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.CompletionResult;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.Outcome;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptBatcher;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.UnifiedJedis;

/** Records how deliveries end (ack, retry, fail) and extends leases of running jobs. */
public final class Completer {

  private static final int MAX_ERROR_LENGTH = 2000;

  private final UnifiedJedis redis;
  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final ConfigStore config;
  private final EngineOptions options;
  private final ScriptBatcher batcher;

  /** A completer writing through {@code scripts}, coalescing completions through {@code batcher}. */
  public Completer(UnifiedJedis redis, ScriptRegistry scripts, ScriptBatcher batcher, KeySchema keys,
      ConfigStore config, EngineOptions options) {
    this.batcher = Objects.requireNonNull(batcher, "batcher");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Records the outcome of delivery {@code attempt} of a job. */
  public CompletionResult complete(String jobId, int attempt, Outcome outcome) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    long now = options.clock().millis();
    Args k = Args.of().add(keys.job(shard, jobId));
    Args a = Args.of().add(keys.prefix(shard)).add(jobId).add(attempt).add(now);
    return switch (outcome) {
      case Outcome.Success s -> code(Replies.asLong(batcher.run(new ScriptRegistry.Call(Script.ACK_JOB,
          k.list(), a.add(s.cost().toMillis()).add(options.usageHalfLife().toMillis())
              .add(options.statusRetention().toMillis()).list()))));
      case Outcome.Retry r -> nack(k, a, now + retryDelay(shard, jobId, attempt, r).toMillis(),
          false, r.error(), r.cost());
      case Outcome.Fail f -> nack(k, a, now, true, f.error(), f.cost());
    };
  }

  /** Extends a running job's lease by the lease timeout it was leased with. */
  public CompletionResult extend(String jobId, int attempt) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    long reply = Replies.asLong(scripts.run(Script.EXTEND_LEASE, Args.of().add(keys.job(shard, jobId)).list(),
        Args.of().add(keys.prefix(shard)).add(jobId).add(attempt).add(options.clock().millis()).list()));
    return reply > 0 ? CompletionResult.ACCEPTED : code(reply);
  }

  private CompletionResult nack(Args k, Args a, long retryAt, boolean dead, String error, Duration cost) {
    String err = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    List<Object> reply = Replies.asList(batcher.run(new ScriptRegistry.Call(Script.NACK_JOB, k.list(),
        a.add(retryAt).add(dead ? 1 : 0).add(err).add(cost.toMillis())
            .add(options.usageHalfLife().toMillis()).list())));
    return code(Replies.asLong(reply.get(0)));
  }

  private Duration retryDelay(int shard, String jobId, int attempt, Outcome.Retry r) {
    if (r.retryAfter() != null) {
      return r.retryAfter();
    }
    String function = function(shard, jobId);
    FunctionSpec spec = function == null ? null : config.function(function).orElse(null);
    return spec == null ? Duration.ZERO : spec.retry().delayAfter(attempt, ThreadLocalRandom.current());
  }

  private String function(int shard, String jobId) {
    try {
      return redis.hget(keys.job(shard, jobId), "f");
    } catch (RuntimeException e) {
      throw RedisErrors.translate("reading job " + jobId, e);
    }
  }

  private static CompletionResult code(long reply) {
    if (reply == 1) {
      return CompletionResult.ACCEPTED;
    }
    if (reply == -2) {
      return CompletionResult.STALE;
    }
    if (reply == -3) {
      return CompletionResult.UNKNOWN_JOB;
    }
    throw new IllegalStateException("unexpected script reply " + reply);
  }
}
