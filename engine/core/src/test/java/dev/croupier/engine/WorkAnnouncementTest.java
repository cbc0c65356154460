package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Engines on one Redis tell each other of new work on the shard's work channel, so work written
 * through one engine starts on another at once, not at that engine's next idle poll. Every engine
 * here polls every 30 s: only an announcement can start a job within the tests' bounds.
 */
class WorkAnnouncementTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration SLOW_POLL = Duration.ofSeconds(30);

  private static EngineOptions.Builder options(String ns) {
    return EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).idlePoll(SLOW_POLL);
  }

  @Test
  void jobsEnqueuedThroughAnEngineThatDoesNotServeThem_startOnOneThatDoes_withoutWaitingForItsPoll()
      throws Exception {
    String ns = REDIS.newNamespace();
    try (EngineRuntime producer = EngineRuntime.host(options(ns).build());
        EngineRuntime worker = EngineRuntime.host(options(ns).build())) {
      FunctionSpec spec = FunctionSpec.newBuilder("f").build();
      producer.engine().registerFunction(spec);
      LinkedBlockingQueue<String> started = new LinkedBlockingQueue<>();
      worker.engine().register(spec, 4, job -> started.add(job.id()));
      Thread.sleep(200); // the worker's loops have claimed once and sleep on the slow poll
      // One at a time, so each lands on an empty ready set while the worker sleeps, or while it
      // finishes a round whose claim came just before: that round holds every free credit, and
      // the announcement must still wake the loop (an engine serves a function, credits or not).
      for (int i = 0; i < 200; i++) {
        String id = producer.engine().enqueue("t" + i, "f", new byte[] {1}, EnqueueOptions.DEFAULTS).jobId();
        assertThat(started.poll(5, TimeUnit.SECONDS)).as("job %d started without a poll", i).isEqualTo(id);
      }
    }
  }

  @Test
  void aDelayedJobEnqueuedElsewhere_startsWhenDue_onTheEngineThatServesIt() throws Exception {
    String ns = REDIS.newNamespace();
    try (EngineRuntime producer = EngineRuntime.host(options(ns).build());
        EngineRuntime worker = EngineRuntime.host(options(ns).build())) {
      FunctionSpec spec = FunctionSpec.newBuilder("later").build();
      producer.engine().registerFunction(spec);
      List<Long> startedAt = new CopyOnWriteArrayList<>();
      worker.engine().register(spec, 4, job -> startedAt.add(System.currentTimeMillis()));
      Thread.sleep(200);
      long enqueuedAt = System.currentTimeMillis();
      producer.engine().enqueue("t", "later", new byte[] {1},
          EnqueueOptions.newBuilder().delay(Duration.ofMillis(500)).build());
      // The timer's new head was announced: the worker sleeps until it is due, not for its poll.
      long deadline = System.currentTimeMillis() + 10_000;
      while (startedAt.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertThat(startedAt).as("started within 10 s of a 30 s poll").hasSize(1);
      assertThat(startedAt.get(0) - enqueuedAt).as("not before it was due").isGreaterThanOrEqualTo(500);
    }
  }

  @Test
  void anEngineThatTakesTheJobsItEnqueuesAtOnce_announcesNothing() throws Exception {
    String ns = REDIS.newNamespace();
    try (EngineRuntime alone = EngineRuntime.host(options(ns).build());
        RedisClient redis = REDIS.client()) {
      LinkedBlockingQueue<String> started = new LinkedBlockingQueue<>();
      // More slots than jobs: a slot is free again only once its job's completion has landed,
      // and an engine with every slot taken rightly announces what it cannot take itself.
      alone.engine().register(FunctionSpec.newBuilder("f").build(), 64, job -> started.add(job.id()));
      Thread.sleep(200);
      long before = publishes(redis);
      for (int i = 0; i < 20; i++) {
        String id = alone.engine().enqueue("t" + i, "f", new byte[] {1}, EnqueueOptions.DEFAULTS).jobId();
        assertThat(started.poll(5, TimeUnit.SECONDS)).isEqualTo(id);
      }
      assertThat(publishes(redis) - before).as("messages published for 20 idle jobs").isZero();
    }
  }

  private static long publishes(RedisClient redis) {
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_publish:")) {
        return Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
      }
    }
    return 0;
  }

  @Test
  void anIdleEngine_isNotWokenByWorkOfFunctionsItDoesNotServe() throws Exception {
    String ns = REDIS.newNamespace();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (EngineRuntime producer = EngineRuntime.host(options(ns).build());
        EngineRuntime other = EngineRuntime.host(options(ns).meterRegistry(meters).build())) {
      producer.engine().registerFunction(FunctionSpec.newBuilder("f").build());
      other.engine().register(FunctionSpec.newBuilder("g").build(), 4, job -> { });
      Thread.sleep(300);
      double before = meters.get("croupier.claim.rounds").functionCounter().count();
      for (int i = 0; i < 20; i++) {
        producer.engine().enqueue("t" + i, "f", new byte[] {1}, EnqueueOptions.DEFAULTS);
      }
      Thread.sleep(300);
      assertThat(meters.get("croupier.claim.rounds").functionCounter().count())
          .as("claim rounds of the engine serving only g").isEqualTo(before);
    }
  }
}
