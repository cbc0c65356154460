package dev.croupier.engine.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.ShardChannels;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Jobs enqueued watched are awaited without a watchJobs call: their ends are announced from the
 * first write, and one announced before the await is noted for it.
 */
class CompletionWatcherTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private RedisClient redis;
  private KeySchema keys;
  private ScriptRegistry scripts;
  private ScheduledExecutorService scheduler;
  private CompletionWatcher watcher;
  private ShardChannels channels;
  private Enqueuer enqueuer;
  private JobAdmin admin;

  @BeforeEach
  void setUp() {
    redis = REDIS.client();
    EngineOptions options = REDIS.newOptions().build();
    keys = new KeySchema(options.namespace(), 1);
    scripts = new ScriptRegistry(redis);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    admin = new JobAdmin(redis, scripts, keys, options);
    watcher = new CompletionWatcher(scripts, keys, admin, scheduler);
    channels = new ShardChannels(redis, watcher.channels());
    ConfigStore config = new ConfigStore(redis, keys, Duration.ofSeconds(2));
    config.configureFunction(FunctionSpec.newBuilder("f").build());
    config.configureFunction(FunctionSpec.newBuilder("g").keyedLimit("account", 100).build());
    enqueuer = new Enqueuer(scripts, keys, config, options,
        Enqueuer.WatchedJobs.of(watcher::expect, watcher::unexpect), "", function -> false);
  }

  @AfterEach
  void tearDown() {
    enqueuer.close();
    channels.close();
    watcher.close();
    scheduler.shutdownNow();
    redis.close();
  }

  private String enqueue(EnqueueOptions o) {
    return enqueuer.enqueue(List.of(new JobRequest("t1", "f", new byte[] {1}, o))).get(0).jobId();
  }

  @Test
  void anExpectedJob_isAwaitedWithoutMarkingIt_andAnEndAnnouncedBeforeTheAwaitIsNotMissed() throws Exception {
    String id = enqueue(EnqueueOptions.newBuilder().watched(true).build());
    assertThat(watcher.expectedCount()).isEqualTo(1);
    // The await does not read the job: a job that is not there is awaited all the same (an
    // await that marks and reads it would fail at once: no such job).
    String missing = "0-" + id.substring(2, 12) + "0000000000000000";
    watcher.expect(List.of(missing));
    CompletableFuture<JobInfo> pending = watcher.await(missing, Duration.ofMillis(300));
    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    // Ended (cancelled) before anyone awaits it: the announcement is noted, and the await answers.
    assertThat(admin.cancel(id)).isTrue();
    JobInfo info = awaitEventually(id);
    assertThat(info.state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aJobNotStored_isNotExpected() {
    enqueue(EnqueueOptions.newBuilder().idempotencyKey("k").build());
    enqueue(EnqueueOptions.newBuilder().idempotencyKey("k").watched(true).build());
    assertThat(watcher.expectedCount()).as("the duplicate's own id was never written").isZero();
    enqueue(EnqueueOptions.DEFAULTS);
    assertThat(watcher.expectedCount()).as("not watched").isZero();
  }

  @Test
  void manyEnds_completeEveryAwait_evenBehindADependentThatBlocks() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add(enqueue(EnqueueOptions.newBuilder().watched(true).build()));
    }
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
    List<CompletableFuture<JobInfo>> awaits = new java.util.ArrayList<>();
    for (String id : ids) {
      awaits.add(watcher.await(id, Duration.ofSeconds(30)));
    }
    // The first await's dependent blocks the resolver thread it runs on until released.
    CompletableFuture<JobInfo> first = awaits.get(0).thenApply(info -> {
      blocked.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return info;
    });
    assertThat(admin.cancel(ids.get(0))).isTrue();
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    for (String id : ids.subList(1, ids.size())) {
      assertThat(admin.cancel(id)).isTrue();
    }
    Thread.sleep(200); // the other ends are announced and looked up meanwhile
    release.countDown();
    CompletableFuture.allOf(awaits.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(first.get(5, TimeUnit.SECONDS).state()).isEqualTo(JobState.CANCELLED);
    for (int i = 0; i < ids.size(); i++) {
      JobInfo info = awaits.get(i).get();
      assertThat(info.id()).isEqualTo(ids.get(i));
      assertThat(info.state()).isEqualTo(JobState.CANCELLED);
    }
  }

  /** Text the announcement's JSON must escape and carry back exactly. */
  private static final String TRICKY = "quote \" back\\slash /slash\nnew line\u0001 \u00e9 \ud83d\ude00 {\"k\":[1]}";

  @Test
  void anAnnouncedEnd_isAnsweredFromTheAnnouncement_withoutReadingTheJob() throws Exception {
    // A second watcher whose lookups read another namespace, where no job exists: whatever it
    // answers came from the announcement alone.
    KeySchema elsewhere = new KeySchema(REDIS.newNamespace(), 1);
    JobAdmin blind = new JobAdmin(redis, scripts, elsewhere, REDIS.newOptions().build());
    try (CompletionWatcher fromMessages = new CompletionWatcher(scripts, keys, blind, scheduler);
        ShardChannels subscribed = new ShardChannels(redis, fromMessages.channels())) {
      List<String> ids = enqueuer.enqueue(List.of(
              JobRequest.newBuilder("t1", "g").watched(true).header("x-note", TRICKY)
                  .concurrencyKey("account", TRICKY).build(),
              JobRequest.newBuilder("t1", "f").watched(true).build()))
          .stream().map(r -> r.jobId()).toList();
      subscribers(2);
      List<CompletableFuture<JobInfo>> awaits = ids.stream()
          .map(id -> fromMessages.await(id, Duration.ofSeconds(10))).toList();
      for (String id : ids) {
        assertThat(admin.cancel(id)).isTrue();
      }
      for (int i = 0; i < ids.size(); i++) {
        JobInfo announced = awaits.get(i).get(10, TimeUnit.SECONDS);
        assertThat(announced.state()).isEqualTo(JobState.CANCELLED);
        assertThat(announced).as("as a lookup of the record reads it").isEqualTo(admin.lookup(ids.get(i)).orElseThrow());
      }
      JobInfo first = awaits.get(0).get();
      assertThat(first.headers()).containsEntry("x-note", TRICKY);
      assertThat(first.concurrencyKeys()).containsEntry("account", TRICKY);
      assertThat(first.tenant()).isEqualTo("t1");
      assertThat(first.function()).isEqualTo("g");
    }
  }

  @Test
  void aBareIdOnTheDoneChannel_asEarlierEnginesAnnounce_isLookedUp() throws Exception {
    String id = enqueue(EnqueueOptions.DEFAULTS); // not expected: the await marks it watched
    CompletableFuture<JobInfo> awaited = watcher.await(id, Duration.ofSeconds(30));
    String jobKey = keys.job(0, id);
    Await.until(Duration.ofSeconds(5), "the await marks the job watched", () -> "1".equals(redis.hget(jobKey, "w")));
    // Ended without an announcement (the flag taken away), then announced as an engine of an
    // earlier version does: the id alone.
    redis.hdel(jobKey, "w");
    assertThat(admin.cancel(id)).isTrue();
    assertThat(awaited).isNotDone();
    redis.publish(keys.doneChannel(0), id);
    // Well before the first periodic re-check of an await (after RECHECK_AFTER_MS).
    assertThat(awaited.get(3, TimeUnit.SECONDS).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void aMalformedAnnouncement_isIgnored_andTheNextIsHeard() throws Exception {
    String id = enqueue(EnqueueOptions.newBuilder().watched(true).build());
    CompletableFuture<JobInfo> awaited = watcher.await(id, Duration.ofSeconds(30));
    subscribers(1);
    for (String junk : List.of("[", "[[1]]", "[[\"" + id + "\", \"q\"]]", "[{\"id\": 1}]", "[[\"a\"]] x")) {
      redis.publish(keys.doneChannel(0), junk);
    }
    assertThat(admin.cancel(id)).isTrue();
    assertThat(awaited.get(3, TimeUnit.SECONDS).state()).isEqualTo(JobState.CANCELLED);
  }

  /** Waits until {@code n} connections are subscribed to the done channel. */
  private void subscribers(long n) {
    String channel = keys.doneChannel(0);
    Await.until(Duration.ofSeconds(5), n + " subscribers", () -> (Long) ((List<?>) redis.sendCommand(
        Protocol.Command.PUBSUB, "NUMSUB", channel)).get(1) >= n);
  }

  /** Awaits {@code id}; the announcement may reach the listener a moment after the cancel. */
  private JobInfo awaitEventually(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return watcher.await(id, Duration.ofMillis(500)).get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TimeoutException) || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }
}
