package dev.croupier.engine.internal.jobs;

import dev.croupier.api.Names;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.HeaderField;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/** Looks jobs up, cancels them, lists and replays dead ones. */
public final class JobAdmin {

  private final UnifiedJedis redis;
  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;

  /** An admin over {@code redis}. */
  public JobAdmin(UnifiedJedis redis, ScriptRegistry scripts, KeySchema keys, EngineOptions options) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The job, if it exists (or its status record is still kept). */
  public Optional<JobInfo> lookup(String jobId) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    Map<String, String> h;
    try {
      h = redis.hgetAll(keys.job(shard, jobId));
    } catch (RuntimeException e) {
      throw RedisErrors.translate("looking up job " + jobId, e);
    }
    return h.isEmpty() ? Optional.empty() : Optional.of(toInfo(jobId, h, options.clock().millis()));
  }

  /** Cancels a job that is not final; false when unknown or already final. */
  public boolean cancel(String jobId) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    return Replies.code(scripts.run(Script.CANCEL_JOB, Args.of().add(keys.job(shard, jobId)).list(),
        Args.of().add(keys.prefix(shard)).add(jobId).add(options.clock().millis())
            .add(options.statusRetention().toMillis()).list())) == ReplyCode.OK;
  }

  /** Puts a dead job back in its queue; false when it is not dead. */
  public boolean replay(String jobId) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    return Replies.code(scripts.run(Script.REPLAY_JOB, Args.of().add(keys.job(shard, jobId)).list(),
        Args.of().add(keys.prefix(shard)).add(jobId).add(options.clock().millis()).list())) == ReplyCode.OK;
  }

  /** The tenant's dead jobs, oldest death first. */
  public List<JobInfo> deadLetters(String tenant, int limit) {
    Names.requireTenant(tenant);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    int shard = keys.shardOf(tenant);
    List<JobInfo> out = new ArrayList<>();
    try {
      for (String id : redis.zrange(keys.deadLetters(shard, tenant), 0, limit - 1)) {
        lookup(id).ifPresent(out::add);
      }
    } catch (RuntimeException e) {
      throw RedisErrors.translate("listing dead letters of " + tenant, e);
    }
    return out;
  }

  /** The job as a {@link JobInfo}, from its hash fields. */
  static JobInfo toInfo(String id, Map<String, String> h, long now) {
    long runAt = parse(h.get("ra"));
    JobState state = switch (h.getOrDefault("st", "queued")) {
      case "queued" -> runAt > now ? JobState.DELAYED : JobState.QUEUED;
      case "running" -> JobState.RUNNING;
      case "succeeded" -> JobState.SUCCEEDED;
      case "failed" -> JobState.FAILED;
      case "dead" -> JobState.DEAD;
      case "cancelled" -> JobState.CANCELLED;
      default -> throw new IllegalStateException("job " + id + " has an unknown state " + h.get("st"));
    };
    Map<String, String> ck = new HashMap<>();
    h.forEach((k, v) -> {
      if (k.startsWith("k:")) {
        ck.put(k.substring(2), v);
      }
    });
    String err = h.get("le");
    return new JobInfo(id, h.get("t"), h.get("f"), state, (int) parse(h.get("a")), (int) parse(h.get("ma")),
        err == null || err.isEmpty() ? null : err, Instant.ofEpochMilli(runAt),
        Instant.ofEpochMilli(parse(h.get("ea"))),
        h.containsKey("fa") ? Instant.ofEpochMilli(parse(h.get("fa"))) : null, ck,
        HeaderField.decode(h.get(HeaderField.NAME)));
  }

  private static long parse(String s) {
    return s == null ? 0 : (long) Double.parseDouble(s);
  }
}
