package dev.croupier.app.demo;

import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The same workload through Croupier: one engine in this process, one function registered with
 * an embedded handler whose max in flight is the demo's slot count, so both runs have the same
 * capacity. The engine's namespace is fresh per run; {@link #close()} deletes its keys.
 */
final class CroupierQueue implements DemoQueue {

  private static final Logger log = LoggerFactory.getLogger(CroupierQueue.class);

  /** The function every demo job belongs to. */
  static final String FUNCTION = "demo-io";

  private final EngineOptions options;
  private final int slots;
  private final Duration jobTime;
  private Engine engine;

  /** An engine with {@code options} whose handler runs {@code slots} jobs of {@code jobTime} at once. */
  CroupierQueue(EngineOptions options, int slots, Duration jobTime) {
    this.options = Objects.requireNonNull(options, "options");
    this.slots = slots;
    this.jobTime = Objects.requireNonNull(jobTime, "jobTime");
  }

  @Override
  public String name() {
    return "croupier";
  }

  @Override
  public void start(RunTally tally) {
    engine = EngineRuntime.start(options);
    engine.register(FunctionSpec.newBuilder(FUNCTION).build(), slots, job -> {
      DemoJob demoJob = DemoJob.decode(job.payload());
      tally.started(demoJob);
      if (!SimulatedIo.run(jobTime)) {
        throw new InterruptedException("demo stopped while job " + job.id() + " ran");
      }
      tally.done(demoJob.tenant());
    });
  }

  @Override
  public void enqueue(String tenant, List<DemoJob> jobs) {
    List<JobRequest> batch = new ArrayList<>(jobs.size());
    for (DemoJob job : jobs) {
      byte[] payload = job.encode().getBytes(StandardCharsets.UTF_8);
      batch.add(new JobRequest(tenant, FUNCTION, payload, EnqueueOptions.DEFAULTS));
    }
    engine.enqueueBatch(batch);
  }

  @Override
  public void stopWorkers() {
    if (engine != null) {
      long started = System.nanoTime();
      engine.close();
      engine = null;
      log.debug("engine closed in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
  }

  @Override
  public void close() {
    stopWorkers();
    deleteKeys(options.redisUrl(), options.namespace());
  }

  /**
   * Deletes every key of {@code namespace} (the engine names them {@code <namespace>:...}). The
   * demo makes its namespace unique per run, so this touches nothing else.
   */
  static long deleteKeys(String redisUrl, String namespace) {
    long started = System.nanoTime();
    long deleted = 0;
    try (RedisClient redis = RedisClient.create(URI.create(redisUrl))) {
      ScanParams match = new ScanParams().match(namespace + ":*").count(1000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, match);
        if (!page.getResult().isEmpty()) {
          deleted += redis.unlink(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    log.debug("deleted {} keys of namespace {} in {} ms", deleted, namespace,
        (System.nanoTime() - started) / 1_000_000);
    return deleted;
  }
}
