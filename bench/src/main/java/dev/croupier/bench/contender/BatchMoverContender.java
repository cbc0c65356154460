package dev.croupier.bench.contender;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.util.KeyValue;

/**
 * The round-robin scheduler: jobs wait in per-queue lists; every {@code interval} a mover takes up
 * to {@code batch} jobs from each active queue and pushes them, interleaved, into one shared list
 * that workers BRPOP. Fair in rounds, but a newcomer waits for the next tick and for everything
 * moved before it, and a lone busy tenant is throttled to one batch per tick.
 */
public final class BatchMoverContender implements Contender {

  /** The name in reports. */
  public static final String NAME = "rr-batch-mover";
  /** How often the mover runs unless configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  /** Jobs moved per queue per tick unless configured. */
  public static final int DEFAULT_BATCH = 500;

  private static final Logger log = LoggerFactory.getLogger(BatchMoverContender.class);
  private static final double BRPOP_TIMEOUT_SECONDS = 0.1;

  private final BaselineRedis redis;
  private final LuaScript move;
  private final Duration interval;
  private final int batch;
  private final String active;
  private final String shared;
  private final String queuePrefix;
  private final ScheduledExecutorService mover;
  private WorkerSlots slots;

  /** A batch mover under {@code prefix} with the default interval and batch. */
  public BatchMoverContender(String redisUrl, String prefix, int maxSlots) {
    this(redisUrl, prefix, maxSlots, DEFAULT_INTERVAL, DEFAULT_BATCH);
  }

  /** A batch mover that moves {@code batch} jobs per queue every {@code interval}. */
  public BatchMoverContender(String redisUrl, String prefix, int maxSlots, Duration interval, int batch) {
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be positive: " + batch);
    }
    this.redis = new BaselineRedis(redisUrl, prefix, maxSlots);
    this.move = LuaScript.load(redis.jedis(), "moveBatches-2");
    this.interval = interval;
    this.batch = batch;
    this.active = redis.key("active");
    this.shared = redis.key("shared");
    this.queuePrefix = redis.key("q:");
    this.mover = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name(NAME + "-mover").factory());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void enqueue(List<Job> jobs) {
    try (AbstractPipeline p = redis.jedis().pipelined()) {
      for (Job job : jobs) {
        p.lpush(queuePrefix + job.queueId(), job.encode());
        p.sadd(active, job.queueId());
      }
      p.sync();
    }
  }

  @Override
  public void start(int count, JobRunner runner) {
    slots = new WorkerSlots(NAME, count, this::take, runner, false);
    mover.scheduleAtFixedRate(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      move.eval(redis.jedis(), List.of(active, shared), List.of(queuePrefix, Integer.toString(batch)));
    } catch (RuntimeException e) {
      log.warn("batch mover tick failed", e);
    }
  }

  private Job take() {
    KeyValue<String, String> got = redis.jedis().brpop(BRPOP_TIMEOUT_SECONDS, shared);
    return got == null ? null : Job.decode(got.getValue());
  }

  @Override
  public void close() {
    mover.shutdownNow();
    if (slots != null) {
      slots.stop();
    }
    redis.deleteKeys();
    redis.close();
  }
}
