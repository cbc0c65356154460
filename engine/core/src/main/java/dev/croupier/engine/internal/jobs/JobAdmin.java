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
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
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
    return JobRecord.read(redis, keys, jobId).map(r -> toInfo(jobId, r.fields(), options.clock().millis()));
  }

  /** Several jobs in one round trip, in order: each, if it exists (or its status record is kept). */
  public List<Optional<JobInfo>> lookupAll(List<String> jobIds) {
    List<Response<Map<String, String>>> replies = new ArrayList<>(jobIds.size());
    try (AbstractPipeline p = redis.pipelined()) {
      for (String id : jobIds) {
        replies.add(p.hgetAll(keys.job(JobIds.shardOf(id, keys.shards()), id)));
      }
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("looking up " + jobIds.size() + " jobs", e);
    }
    long now = options.clock().millis();
    List<Optional<JobInfo>> out = new ArrayList<>(jobIds.size());
    for (int i = 0; i < jobIds.size(); i++) {
      Map<String, String> h = replies.get(i).get();
      out.add(h.isEmpty() ? Optional.empty() : Optional.of(toInfo(jobIds.get(i), h, now)));
    }
    return out;
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

  /** One page of the tenant's dead jobs, oldest death first; the cursor is an offset. */
  public dev.croupier.api.admin.StatsPage<JobInfo> deadLetterPage(String tenant, String cursor, int limit) {
    Names.requireTenant(tenant);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be in [1, 1000]: " + limit);
    }
    long from = 0;
    if (cursor != null && !cursor.isEmpty()) {
      try {
        from = Long.parseLong(cursor.startsWith("o:") ? cursor.substring(2) : "x");
      } catch (NumberFormatException e) {
        from = -1;
      }
      if (from < 0) {
        throw new dev.croupier.api.InvalidRequestException("cursor '" + cursor
            + "' does not come from a dead-letter listing; pass the previous page's nextCursor");
      }
    }
    int shard = keys.shardOf(tenant);
    String key = keys.deadLetters(shard, tenant);
    List<JobInfo> out = new ArrayList<>();
    long total;
    try {
      total = redis.zcard(key);
      for (String id : redis.zrange(key, from, from + limit - 1)) {
        lookup(id).ifPresent(out::add);
      }
    } catch (RuntimeException e) {
      throw RedisErrors.translate("listing dead letters of " + tenant, e);
    }
    long next = from + limit;
    return new dev.croupier.api.admin.StatsPage<>(out, next < total ? "o:" + next : null, total);
  }

  /** Replays up to {@code max} of the tenant's dead jobs, oldest first. */
  public long replayAll(String tenant, int max) {
    Names.requireTenant(tenant);
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    String key = keys.deadLetters(keys.shardOf(tenant), tenant);
    long done = 0;
    while (done < max) {
      long batch = Math.min(max - done, 500);
      List<String> ids = call("listing dead letters of " + tenant, () -> redis.zrange(key, 0, batch - 1));
      if (ids.isEmpty()) {
        break;
      }
      long before = done;
      for (String id : ids) {
        if (done >= max) {
          break;
        }
        if (replay(id)) {
          done++;
        }
      }
      if (done == before) {
        break; // nothing in this batch was dead any more: whatever is left moved meanwhile
      }
    }
    return done;
  }

  /** Deletes a dead job for good; false when it is not dead. */
  public boolean purge(String jobId) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    return Replies.code(scripts.run(Script.PURGE_DEAD_JOB, Args.of().add(keys.job(shard, jobId)).list(),
        Args.of().add(keys.prefix(shard)).add(jobId).list())) == ReplyCode.OK;
  }

  /** Deletes every dead job of the tenant. */
  public long purgeAll(String tenant) {
    Names.requireTenant(tenant);
    String key = keys.deadLetters(keys.shardOf(tenant), tenant);
    long done = 0;
    while (true) {
      List<String> ids = call("listing dead letters of " + tenant, () -> redis.zrange(key, 0, 499));
      if (ids.isEmpty()) {
        return done;
      }
      for (String id : ids) {
        if (purge(id)) {
          done++;
        } else {
          call("dropping a stale dead letter", () -> redis.zrem(key, id)); // its record is gone
        }
      }
    }
  }

  private static <T> T call(String doing, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw RedisErrors.translate(doing, e);
    }
  }

  /** The job as a {@link JobInfo}, from its hash fields. */
  static JobInfo toInfo(String id, Map<String, String> h, long now) {
    JobRecord r = new JobRecord(id, h);
    long runAt = r.runAt();
    JobState state = switch (r.state()) {
      case "queued" -> runAt > now ? JobState.DELAYED : JobState.QUEUED;
      case "running" -> JobState.RUNNING;
      case "succeeded" -> JobState.SUCCEEDED;
      case "failed" -> JobState.FAILED;
      case "dead" -> JobState.DEAD;
      case "cancelled" -> JobState.CANCELLED;
      default -> throw new IllegalStateException("job " + id + " has an unknown state " + r.state());
    };
    Map<String, String> ck = new HashMap<>();
    h.forEach((k, v) -> {
      if (k.startsWith("k:")) {
        ck.put(k.substring(2), v);
      }
    });
    String err = r.lastError();
    Long finished = r.finishedAt();
    return new JobInfo(id, r.tenant(), r.function(), state, r.attempts(), r.maxAttempts(),
        err.isEmpty() ? null : err, Instant.ofEpochMilli(runAt), Instant.ofEpochMilli(r.enqueuedAt()),
        finished == null ? null : Instant.ofEpochMilli(finished), ck, HeaderField.decode(r.get(HeaderField.NAME)));
  }
}
