package dev.croupier.bench.contender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;

/**
 * The sharded queue: one list per queue and a circular list (ring) of the queues with work; each
 * take rotates the ring one step and pops that queue's oldest job. Round-robin by count: blind to
 * plan weights and to job durations, and a tenant with many queues gets a turn for each of them.
 */
public final class TenantRingContender implements Contender {

  /** The name in reports. */
  public static final String NAME = "tenant-ring";

  private final BaselineRedis redis;
  private final LuaScript push;
  private final LuaScript claim;
  private final String ring;
  private final String queuePrefix;
  private WorkerSlots slots;

  /** A ring of queues under {@code prefix}. */
  public TenantRingContender(String redisUrl, String prefix, int maxSlots) {
    this.redis = new BaselineRedis(redisUrl, prefix, maxSlots);
    this.push = LuaScript.load(redis.jedis(), "pushRing-2");
    this.claim = LuaScript.load(redis.jedis(), "claimRing-1");
    this.ring = redis.key("ring");
    this.queuePrefix = redis.key("q:");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void enqueue(List<Job> jobs) {
    try (AbstractPipeline p = redis.jedis().pipelined()) {
      for (Map.Entry<String, List<String>> e : byQueue(jobs).entrySet()) {
        List<String> args = new ArrayList<>(e.getValue().size() + 1);
        args.add(e.getKey());
        args.addAll(e.getValue());
        p.evalsha(push.sha(), List.of(ring, queuePrefix + e.getKey()), args);
      }
      p.sync();
    }
  }

  static Map<String, List<String>> byQueue(List<Job> jobs) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Job job : jobs) {
      out.computeIfAbsent(job.queueId(), k -> new ArrayList<>()).add(job.encode());
    }
    return out;
  }

  @Override
  public void start(int count, JobRunner runner) {
    slots = new WorkerSlots(NAME, count, this::take, runner, true);
  }

  private Job take() {
    Object got = claim.eval(redis.jedis(), List.of(ring), List.of(queuePrefix));
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
