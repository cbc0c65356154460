package dev.croupier.engine.internal.admin;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobState;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.Reason;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.jobs.JobRecord;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import redis.clients.jedis.UnifiedJedis;

/**
 * Answers {@code explain(jobId)}: reads the job and the scheduler's state around it (plans,
 * pauses, concurrency keys, the ready set of its function) and names the first constraint that
 * holds it, in the order the claim script applies them (lua/claimJobs-1.lua): not due yet, tenant
 * paused, function paused, function limit, tenant limit, per-tenant function limit, keyed limits;
 * then whether anything takes the function's work at all; else its fair turn. Reads only; a few
 * round trips, none of them over all jobs.
 */
public final class Explainer {

  /** Due work of a function untouched this long, with nothing of it running: nobody claims it. */
  static final Duration STALL = Duration.ofSeconds(2);

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final ConfigStore config;
  private final EngineOptions options;
  private final Predicate<String> servedHere;

  /**
   * An explainer over {@code redis}; {@code servedHere} says whether this engine has a sink
   * (embedded handlers, connected workers) that takes jobs of a function.
   */
  public Explainer(UnifiedJedis redis, KeySchema keys, ConfigStore config, EngineOptions options,
      Predicate<String> servedHere) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
    this.servedHere = Objects.requireNonNull(servedHere, "servedHere");
  }

  /** Why the job is where it is; empty when it is unknown (or its status record expired). */
  public Optional<Explanation> explain(String jobId) {
    Optional<JobRecord> found = JobRecord.read(redis, keys, jobId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JobRecord r = found.get();
    int shard = JobIds.shardOf(jobId, keys.shards());
    long now = options.clock().millis();
    String tenant = r.tenant();
    String fn = r.function();
    String st = r.state();
    long runAt = r.runAt();
    int attempt = r.attempts();
    JobState state;
    Reason reason;
    switch (st) {
      case "running" -> {
        state = JobState.RUNNING;
        reason = new Reason.Running(null, Instant.ofEpochMilli(r.leaseDeadline()), attempt, null, null);
      }
      case "succeeded" -> {
        state = JobState.SUCCEEDED;
        reason = new Reason.Finished(Reason.Kind.SUCCEEDED, Instant.ofEpochMilli(r.finishedAt()));
      }
      case "cancelled" -> {
        state = JobState.CANCELLED;
        reason = new Reason.Finished(Reason.Kind.CANCELLED, Instant.ofEpochMilli(r.finishedAt()));
      }
      case "dead" -> {
        state = JobState.DEAD;
        reason = new Reason.Dead(Instant.ofEpochMilli(r.finishedAt()), attempt, r.lastError());
      }
      case "queued", "failed" -> {
        state = runAt > now ? JobState.DELAYED : st.equals("failed") ? JobState.FAILED : JobState.QUEUED;
        reason = waiting(shard, jobId, r, tenant, fn, runAt, attempt, now);
      }
      default -> throw new IllegalStateException("job " + jobId + " has an unknown state " + st);
    }
    return Optional.of(new Explanation(jobId, tenant, fn, state, reason));
  }

  private Reason waiting(int shard, String jobId, JobRecord h, String tenant, String fn, long runAt,
      int attempt, long now) {
    if (runAt > now) {
      return attempt > 0
          ? new Reason.BackingOff(Instant.ofEpochMilli(runAt), attempt, h.lastError())
          : new Reason.Delayed(Instant.ofEpochMilli(runAt));
    }
    TenantSettings plan = config.tenant(tenant);
    if (plan.paused()) {
      return new Reason.TenantPaused(tenant);
    }
    if (config.isFunctionPaused(fn)) {
      return new Reason.FunctionPaused(fn);
    }
    Optional<FunctionSpec> stored = config.function(fn);
    if (stored.isPresent()) {
      FunctionSpec spec = stored.get();
      if (spec.concurrencyLimit() > 0) {
        long used = inUse(shard, KeySchema.functionSlots(fn), now);
        if (used >= spec.concurrencyLimit()) {
          return new Reason.FunctionAtLimit(fn, used, spec.concurrencyLimit());
        }
      }
      if (plan.concurrencyLimit() > 0) {
        long used = inUse(shard, KeySchema.tenantSlots(tenant), now);
        if (used >= plan.concurrencyLimit()) {
          return new Reason.TenantAtLimit(tenant, used, plan.concurrencyLimit());
        }
      }
      if (spec.perTenantLimit() > 0) {
        long used = inUse(shard, KeySchema.tenantFunctionSlots(tenant, fn), now);
        if (used >= spec.perTenantLimit()) {
          return new Reason.TenantFunctionAtLimit(tenant, fn, used, spec.perTenantLimit());
        }
      }
      List<KeyedLimit> limits = spec.keyedLimits();
      String[] suffixes = h.keyedSlots();
      for (int i = 0; i < suffixes.length && i < limits.size(); i++) {
        KeyedLimit k = limits.get(i);
        long used = inUse(shard, suffixes[i], now);
        if (used >= k.limit()) {
          String value = h.get("k:" + k.key());
          return new Reason.ConcurrencyKeyAtLimit(k.key(), value == null ? "" : value, used, k.limit());
        }
      }
    }
    long dueSince = Math.max(runAt, h.enqueuedAt());
    if (!servedHere.test(fn) && (stored.isEmpty() || (runningOf(fn) == 0 && now - dueSince >= STALL.toMillis()))) {
      return new Reason.NoWorker(fn, stored.isPresent(), Duration.ofMillis(Math.max(0, now - dueSince)));
    }
    return fairTurn(shard, jobId, h, tenant, fn);
  }

  private Reason fairTurn(int shard, String jobId, JobRecord h, String tenant, String fn) {
    String ready = keys.ready(shard, fn);
    Long rank = call("reading the ready set", () -> redis.zrank(ready, tenant));
    long readyTenants = call("reading the ready set", () -> redis.zcard(ready));
    long jobsAhead = jobsAhead(shard, h.queueId(), jobId);
    int position = rank == null ? (int) readyTenants + 1 : (int) (rank + 1);
    int tenants = rank == null ? (int) readyTenants + 1 : (int) readyTenants;
    return new Reason.WaitingFairTurn(position, tenants, jobsAhead, estimate(shard, tenant, fn, jobsAhead));
  }

  /**
   * About how many jobs of its queue come before the job: those of the queue's sorted set with a
   * lower score and those of its list enqueued before it (the list is in enqueue order, so a
   * binary search finds them without a scan; cancelled list jobs not yet dropped count too).
   */
  private long jobsAhead(int shard, String queueId, String jobId) {
    String set = keys.queue(shard, queueId);
    String list = keys.queueList(shard, queueId);
    Long rank = call("reading the queue", () -> redis.zrank(set, jobId));
    double score = rank != null ? call("reading the queue", () -> redis.zscore(set, jobId)) : JobIds.timeOf(jobId);
    long ahead = rank != null ? rank
        : call("reading the queue", () -> redis.zcount(set, Double.NEGATIVE_INFINITY, Math.nextDown(score)));
    long lo = 0;
    long hi = call("reading the queue", () -> redis.llen(list));
    while (lo < hi) { // the first list entry at or after the job, in (score, id) order
      long mid = (lo + hi) >>> 1;
      String id = call("reading the queue", () -> redis.lindex(list, mid));
      long t = id != null && JobIds.isValid(id) ? JobIds.timeOf(id) : Long.MAX_VALUE;
      if (t < score || (t == score && id.compareTo(jobId) < 0)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return ahead + lo;
  }

  /**
   * When the job should start at the rate its tenant was served over the last minute: (jobs ahead
   * + 1) times its cost estimate for the function, over the cost it was served per ms.
   */
  private Duration estimate(int shard, String tenant, String fn, long jobsAhead) {
    long bucket = StatsWindow.bucket(options.clock().millis());
    long served = 0;
    for (int i = 0; i < StatsWindow.WINDOW_BUCKETS; i++) {
      long b = bucket - i;
      String v = call("reading served cost", () -> redis.hget(keys.served(shard, b), tenant));
      served += v == null ? 0 : Long.parseLong(v);
    }
    if (served == 0) {
      return null;
    }
    String own = call("reading cost", () -> redis.hget(keys.tenantTime(shard, tenant), "c:" + fn));
    String avg = own != null ? own : call("reading cost", () -> redis.hget(keys.costs(shard), fn));
    double cost = Math.max(1, avg == null ? 1 : Double.parseDouble(avg));
    double servedPerMs = served / (double) (StatsWindow.WINDOW_BUCKETS * StatsWindow.BUCKET_MS);
    return Duration.ofMillis((long) Math.ceil((jobsAhead + 1) * cost / servedPerMs));
  }

  /** Running jobs of the function over every tenant (the scripts' per-function totals). */
  private long runningOf(String fn) {
    long n = 0;
    for (int shard = 0; shard < keys.shards(); shard++) {
      int s = shard;
      String count = call("reading running counts", () -> redis.hget(keys.functionCounts(s), "r:" + fn));
      n += count == null ? 0 : Long.parseLong(count);
    }
    return n;
  }

  private long inUse(int shard, String suffix, long now) {
    return call("reading concurrency key", () -> redis.zcount(keys.slots(shard, suffix), "(" + now, "+inf"));
  }

  private static <T> T call(String doing, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw RedisErrors.translate(doing, e);
    }
  }
}
