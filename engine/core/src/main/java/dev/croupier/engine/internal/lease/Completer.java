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
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptBatcher;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
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
      case Outcome.Success s -> completion(Replies.code(batcher.run(new ScriptRegistry.Call(Script.ACK_JOB,
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
    return completion(Replies.code(scripts.run(Script.EXTEND_LEASE,
        Args.of().add(keys.job(shard, jobId)).list(),
        Args.of().add(keys.prefix(shard)).add(jobId).add(attempt).add(options.clock().millis()).list())));
  }

  private CompletionResult nack(Args k, Args a, long retryAt, boolean dead, String error, Duration cost) {
    String err = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    return completion(Replies.code(batcher.run(new ScriptRegistry.Call(Script.NACK_JOB, k.list(),
        a.add(retryAt).add(dead ? 1 : 0).add(err).add(cost.toMillis())
            .add(options.usageHalfLife().toMillis()).list()))));
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

  /** What an ack, nack or heartbeat reply means to the worker that sent it. */
  private static CompletionResult completion(ReplyCode code) {
    return switch (code) {
      case OK -> CompletionResult.ACCEPTED;
      case STALE_LEASE -> CompletionResult.STALE;
      case UNKNOWN_JOB -> CompletionResult.UNKNOWN_JOB;
      default -> throw new IllegalStateException("unexpected reply to a completion: " + code);
    };
  }
}
