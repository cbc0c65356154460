package dev.croupier.app.demo;

import dev.croupier.engine.internal.redis.RedisClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

/**
 * The naive design the demo compares against: one Redis list for every tenant, producers
 * {@code LPUSH}, a fixed pool of worker threads {@code BRPOP}. Whoever enqueued first is served
 * first, so a big backlog blocks every tenant that arrives after it.
 */
final class FifoQueue implements DemoQueue {

  private static final Logger log = LoggerFactory.getLogger(FifoQueue.class);

  /** How long one BRPOP blocks, so workers notice a stop soon. */
  private static final double POP_TIMEOUT_SECONDS = 0.2;

  private final String key;
  private final int slots;
  private final Duration jobTime;
  private final UnifiedJedis redis;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;

  /** A list at {@code key} served by {@code slots} workers whose jobs sleep {@code jobTime}. */
  FifoQueue(String redisUrl, String key, int slots, Duration jobTime) {
    this.key = Objects.requireNonNull(key, "key");
    this.slots = slots;
    this.jobTime = Objects.requireNonNull(jobTime, "jobTime");
    // Every worker holds a connection while it blocks in BRPOP; producers need one more.
    this.redis = RedisClients.pooled(redisUrl, slots + 4);
  }

  @Override
  public String name() {
    return "fifo";
  }

  @Override
  public void start(RunTally tally) {
    running = true;
    for (int i = 0; i < slots; i++) {
      Thread t = Thread.ofPlatform().daemon().name("fifo-slot-" + i).start(() -> work(tally));
      workers.add(t);
    }
  }

  private void work(RunTally tally) {
    while (running) {
      KeyValue<String, String> popped;
      try {
        popped = redis.brpop(POP_TIMEOUT_SECONDS, key);
      } catch (JedisException e) {
        if (running) {
          log.warn("FIFO worker could not pop from {}", key, e);
        }
        continue;
      }
      if (popped == null) {
        continue;
      }
      DemoJob job = DemoJob.decode(popped.getValue());
      tally.started(job);
      if (!SimulatedIo.run(jobTime)) {
        return;
      }
      tally.done(job.tenant());
    }
  }

  @Override
  public void enqueue(String tenant, List<DemoJob> jobs) {
    String[] values = new String[jobs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = jobs.get(i).encode();
    }
    // LPUSH a b c leaves c at the head and a at the tail, where BRPOP takes first: FIFO order.
    redis.lpush(key, values);
  }

  @Override
  public void stopWorkers() {
    running = false;
    for (Thread t : workers) {
      try {
        t.join(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      redis.del(key);
    } finally {
      redis.close();
    }
  }
}
