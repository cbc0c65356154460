package dev.croupier.bench.contender;

import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.util.KeyValue;

/**
 * The naive design: one Redis list for every tenant, LPUSH to enqueue, BRPOP to take. Fast and
 * simple; one tenant's backlog blocks everyone behind it. Also the bare list queue the throughput
 * scenario measures Croupier against.
 */
public final class FifoListContender implements Contender {

  /** The name in reports. */
  public static final String NAME = "fifo-list";

  private static final double BRPOP_TIMEOUT_SECONDS = 0.1;

  private final BaselineRedis redis;
  private final String list;
  private WorkerSlots slots;

  /** A FIFO list under {@code prefix} on the Redis at {@code redisUrl}. */
  public FifoListContender(String redisUrl, String prefix, int maxSlots) {
    this.redis = new BaselineRedis(redisUrl, prefix, maxSlots);
    this.list = redis.key("fifo");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void enqueue(List<Job> jobs) {
    try (AbstractPipeline p = redis.jedis().pipelined()) {
      for (Job job : jobs) {
        p.lpush(list, job.encode());
      }
      p.sync();
    }
  }

  @Override
  public void start(int count, JobRunner runner) {
    slots = new WorkerSlots(NAME, count, this::take, runner, false);
  }

  private Job take() {
    KeyValue<String, String> got = redis.jedis().brpop(BRPOP_TIMEOUT_SECONDS, list);
    return got == null ? null : Job.decode(got.getValue());
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
