package dev.croupier.engine;

import dev.croupier.engine.internal.keys.KeySchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.RedisClient;

/**
 * Reads every limited concurrency key's live count ({@code ZCOUNT key (now +inf}, as the scripts
 * count) about every millisecond on its own thread, and records each count over its limit. The
 * engines must use the system clock (the same one Redis's TIME reads on this machine).
 */
final class LimitSampler {
  private final RedisClient redis;
  private final Map<String, Integer> limits = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  final Queue<String> violations = new ConcurrentLinkedQueue<>();
  final AtomicLong samples = new AtomicLong();
  final AtomicInteger maxSeen = new AtomicInteger();

  /** Samples the keys of shard 0 of {@code ns} whose suffixes and limits {@code bySuffix} gives. */
  LimitSampler(RedisClient redis, String ns, Map<String, Integer> bySuffix) {
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

  /**
   * Counts all keys in one script at Redis's own current time. A time read in Java before the
   * call would be earlier than the "now" of a claim that runs in between, and would count leases
   * that claim rightly saw as expired: a false alarm once leases expire under load.
   */
  private static final String COUNT = """
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local out = {}
      for i, key in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', key, '(' .. now, '+inf') end
      return out
      """;

  private void run() {
    List<String> keys = List.copyOf(limits.keySet());
    while (running) {
      @SuppressWarnings("unchecked")
      List<Long> counts = (List<Long>) redis.eval(COUNT, keys, List.of());
      for (int i = 0; i < keys.size(); i++) {
        int n = counts.get(i).intValue();
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
