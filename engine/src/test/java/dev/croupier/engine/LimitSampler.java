package dev.croupier.engine;

import dev.croupier.engine.internal.keys.KeySchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

/**
 * Reads every limited concurrency key's live count ({@code ZCOUNT key (now +inf}, as the scripts
 * count) about every millisecond on its own thread, and records each count over its limit.
 */
final class LimitSampler {
  private final JedisPooled redis;
  private final Map<String, Integer> limits = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  final Queue<String> violations = new ConcurrentLinkedQueue<>();
  final AtomicLong samples = new AtomicLong();
  final AtomicInteger maxSeen = new AtomicInteger();

  /** Samples the keys of shard 0 of {@code ns} whose suffixes and limits {@code bySuffix} gives. */
  LimitSampler(JedisPooled redis, String ns, Map<String, Integer> bySuffix) {
    this.redis = redis;
    KeySchema keys = new KeySchema(ns, 1);
    bySuffix.forEach((suffix, limit) -> limits.put(keys.slots(0, suffix), limit));
    this.thread = Thread.ofPlatform().daemon().name("limit-sampler").unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join(5000);
  }

  private void run() {
    List<String> keys = List.copyOf(limits.keySet());
    while (running) {
      String now = "(" + System.currentTimeMillis();
      List<Response<Long>> counts = new ArrayList<>(keys.size());
      try (AbstractPipeline p = redis.pipelined()) {
        for (String k : keys) {
          counts.add(p.zcount(k, now, "+inf"));
        }
        p.sync();
      }
      for (int i = 0; i < keys.size(); i++) {
        int n = counts.get(i).get().intValue();
        maxSeen.accumulateAndGet(n, Math::max);
        if (n > limits.get(keys.get(i)) && violations.size() < 50) {
          violations.add(n + " in flight on " + keys.get(i) + " (limit " + limits.get(keys.get(i)) + ")");
        }
      }
      samples.incrementAndGet();
      LockSupport.parkNanos(1_000_000);
    }
  }
}
