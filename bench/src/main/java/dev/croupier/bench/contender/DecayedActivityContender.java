package dev.croupier.bench.contender;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;

/**
 * Per-queue lists served in order of exponentially decayed recent activity: each take serves the
 * queue that was least served lately (one served job counts 1, halving every
 * {@link #DEFAULT_HALF_LIFE}). Adapts to bursts, but counts jobs, not cost, ignores plan weights,
 * and sees a tenant's many queues as many tenants.
 */
public final class DecayedActivityContender implements Contender {

  /** The name in reports. */
  public static final String NAME = "decayed-activity";
  /** How fast past activity is forgotten (as Croupier's usage half-life). */
  public static final Duration DEFAULT_HALF_LIFE = Duration.ofSeconds(60);

  private final BaselineRedis redis;
  private final LuaScript push;
  private final LuaScript claim;
  private final String ready;
  private final String activity;
  private final String queuePrefix;
  private final double lambdaPerNano;
  private final long origin = System.nanoTime();
  private WorkerSlots slots;

  /** Decayed-activity queues under {@code prefix}. */
  public DecayedActivityContender(String redisUrl, String prefix, int maxSlots) {
    this.redis = new BaselineRedis(redisUrl, prefix, maxSlots);
    this.push = LuaScript.load(redis.jedis(), "pushDecayed-3");
    this.claim = LuaScript.load(redis.jedis(), "claimDecayed-2");
    this.ready = redis.key("ready");
    this.activity = redis.key("activity");
    this.queuePrefix = redis.key("q:");
    this.lambdaPerNano = Math.log(2) / DEFAULT_HALF_LIFE.toNanos();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void enqueue(List<Job> jobs) {
    try (AbstractPipeline p = redis.jedis().pipelined()) {
      for (Map.Entry<String, List<String>> e : TenantRingContender.byQueue(jobs).entrySet()) {
        List<String> args = new ArrayList<>(e.getValue().size() + 1);
        args.add(e.getKey());
        args.addAll(e.getValue());
        p.evalsha(push.sha(), List.of(ready, activity, queuePrefix + e.getKey()), args);
      }
      p.sync();
    }
  }

  @Override
  public void start(int count, JobRunner runner) {
    slots = new WorkerSlots(NAME, count, this::take, runner, true);
  }

  private Job take() {
    double increment = Math.exp(lambdaPerNano * (System.nanoTime() - origin));
    Object got = claim.eval(redis.jedis(), List.of(ready, activity),
        List.of(queuePrefix, Double.toString(increment)));
    return got == null ? null : Job.decode((String) got);
  }

  @Override
  public void close() {
    if (slots != null) {
      slots.stop();
    }
    redis.deleteKeys();
    redis.close();
  }
}
