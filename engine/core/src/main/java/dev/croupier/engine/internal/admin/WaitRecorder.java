package dev.croupier.engine.internal.admin;

import dev.croupier.api.LeasedJob;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Counts the waits from enqueue to first start per tenant in histogram bins, in memory, and adds
 * them to the shard's bucket ({@link KeySchema#waits}) in one pipeline per flush. Claims pay
 * nothing in Redis for it: a flush writes one HINCRBY per tenant and bin that saw a start since
 * the last flush, however many jobs started. Only first attempts count (a retry's wait is its
 * backoff, not the scheduler's doing); a job enqueued with a delay counts from its enqueue. A
 * start recorded while a flush swaps the map may land in the map already taken and be dropped:
 * these are statistics, and a lock on the claim path would cost more than the rare lost count.
 */
public final class WaitRecorder {

  private record Cell(int shard, long bucket, String field) {}

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private volatile Map<Cell, LongAdder> pending = new ConcurrentHashMap<>();

  /** A recorder writing to {@code redis}. */
  public WaitRecorder(UnifiedJedis redis, KeySchema keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** Records a job leased at {@code now}: first attempts only, waited from their enqueue. */
  public void started(LeasedJob job, long now) {
    if (job.attempt() != 1 || job.enqueuedAt() == null) {
      return;
    }
    long waited = Math.max(0, now - job.enqueuedAt().toEpochMilli());
    String field = job.tenant() + "|" + StatsWindow.bin(waited);
    pending.computeIfAbsent(new Cell(keys.shardOf(job.tenant()), StatsWindow.bucket(now), field),
        c -> new LongAdder()).increment();
  }

  /** Writes what was recorded since the last flush. */
  public void flush() {
    Map<Cell, LongAdder> taken = pending;
    if (taken.isEmpty()) {
      return;
    }
    pending = new ConcurrentHashMap<>();
    Set<String> touched = new HashSet<>();
    try (AbstractPipeline p = redis.pipelined()) {
      taken.forEach((cell, n) -> {
        String key = keys.waits(cell.shard(), cell.bucket());
        p.hincrBy(key, cell.field(), n.sum());
        if (touched.add(key)) {
          p.pexpire(key, StatsWindow.BUCKET_TTL_MS);
        }
      });
      p.sync();
    } catch (RuntimeException e) {
      throw RedisErrors.translate("recording job waits", e);
    }
  }
}
