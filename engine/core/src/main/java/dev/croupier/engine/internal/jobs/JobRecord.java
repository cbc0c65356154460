package dev.croupier.engine.internal.jobs;

import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * A job's stored record ({@code job:<id>}, docs/design.md) as Java reads it: the one place that
 * knows which fields a record may leave out. A queued job's record is compact: no state (it is
 * queued), no attempts (none yet), no tenant or function (its queue id names both) and no run-at
 * when it was due at once (then its enqueued-at is when it became due). Since storage layout 4 it
 * has no enqueued-at either: that is its id's time ({@link JobIds#timeOf}); older records keep
 * the field and are read as they are.
 */
public record JobRecord(String id, Map<String, String> fields) {

  /** The job's record (one HGETALL); empty when there is no such job or its status record expired. */
  public static Optional<JobRecord> read(UnifiedJedis redis, KeySchema keys, String jobId) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    Map<String, String> h;
    try {
      h = redis.hgetAll(keys.job(shard, jobId));
    } catch (RuntimeException e) {
      throw RedisErrors.translate("looking up job " + jobId, e);
    }
    return h.isEmpty() ? Optional.empty() : Optional.of(new JobRecord(jobId, h));
  }

  /** Wraps the fields of an HGETALL (not empty: an empty answer means no such job). */
  public JobRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fields, "fields");
    if (!fields.containsKey("q")) {
      throw new IllegalStateException("a job record without a queue id: " + fields.keySet());
    }
  }

  /** The stored state: queued, running, succeeded, failed, dead or cancelled. */
  public String state() {
    return fields.getOrDefault("st", "queued");
  }

  public String queueId() {
    return fields.get("q");
  }

  public String tenant() {
    return KeySchema.tenantOfQueue(queueId());
  }

  public String function() {
    return KeySchema.functionOfQueue(queueId());
  }

  /** Deliveries so far. */
  public int attempts() {
    return (int) number("a");
  }

  public int maxAttempts() {
    return (int) number("ma");
  }

  /** When the job was enqueued, epoch ms. */
  public long enqueuedAt() {
    return fields.containsKey("ea") ? number("ea") : JobIds.timeOf(id);
  }

  /** When it is (or was) due, epoch ms: its run-at, retry or replay time, else its enqueue. */
  public long runAt() {
    return fields.containsKey("ra") ? number("ra") : enqueuedAt();
  }

  /** The current lease's deadline, epoch ms (0 when never leased). */
  public long leaseDeadline() {
    return number("ld");
  }

  /** When it finished (succeeded, cancelled or died), epoch ms, or null. */
  public Long finishedAt() {
    return fields.containsKey("fa") ? number("fa") : null;
  }

  /** The last attempt's error, "" when none. */
  public String lastError() {
    return fields.getOrDefault("le", "");
  }

  /** The keyed-limit slot suffixes it takes, in the function's order (empty when none). */
  public String[] keyedSlots() {
    String ks = fields.getOrDefault("ks", "");
    return ks.isEmpty() ? new String[0] : ks.split("\n");
  }

  /** A field as stored (e.g. {@code k:<name>} or headers), or null. */
  public String get(String field) {
    return fields.get(field);
  }

  private long number(String field) {
    String s = fields.get(field);
    return s == null || s.isEmpty() ? 0 : (long) Double.parseDouble(s);
  }
}
