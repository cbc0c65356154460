package dev.croupier.engine.internal.jobs;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobInfo;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Completes futures when watched jobs end. A watched job's hash carries a flag, and the scripts
 * that end it publish its id on the shard's done channel; one subscriber thread per engine listens.
 * A periodic re-check covers messages missed while the subscription reconnects.
 */
public final class CompletionWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CompletionWatcher.class);

  private final UnifiedJedis redis;
  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final JobAdmin admin;
  private final Map<String, List<CompletableFuture<JobInfo>>> waiting = new ConcurrentHashMap<>();
  private final Listener listener = new Listener();
  private final Thread subscriber;
  private volatile boolean closed;

  /** Starts the subscriber and the periodic re-check on {@code scheduler}. */
  public CompletionWatcher(UnifiedJedis redis, ScriptRegistry scripts, KeySchema keys, JobAdmin admin,
      ScheduledExecutorService scheduler) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.admin = Objects.requireNonNull(admin, "admin");
    this.subscriber = Thread.ofPlatform().daemon().name("croupier-watch").start(this::subscribeLoop);
    scheduler.scheduleWithFixedDelay(this::recheck, 1, 1, TimeUnit.SECONDS);
  }

  /** A future completed with the job's info when it reaches a final state. */
  public CompletableFuture<JobInfo> await(String jobId, Duration timeout) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    CompletableFuture<JobInfo> f = new CompletableFuture<>();
    // Register before marking the job watched, so an end published in between is not missed.
    waiting.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(f);
    f.whenComplete((v, e) -> forget(jobId, f));
    Optional<String> state = Replies.jobState(
        scripts.run(Script.WATCH_JOB, Args.of().add(keys.job(shard, jobId)).list(), List.of()));
    if (state.isEmpty()) {
      f.completeExceptionally(new InvalidRequestException("no job with id " + jobId));
      return f;
    }
    String st = state.get();
    if (st.equals("succeeded") || st.equals("dead") || st.equals("cancelled")) {
      resolve(jobId);
    }
    return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void resolve(String jobId) {
    List<CompletableFuture<JobInfo>> futures = waiting.get(jobId);
    if (futures == null || futures.isEmpty()) {
      return;
    }
    admin.lookup(jobId).filter(i -> i.state().isFinal()).ifPresent(info -> futures.forEach(f -> f.complete(info)));
  }

  private void recheck() {
    for (String jobId : waiting.keySet()) {
      try {
        resolve(jobId);
      } catch (RuntimeException e) {
        log.debug("re-checking watched job {} failed", jobId, e);
      }
    }
  }

  private void forget(String jobId, CompletableFuture<JobInfo> f) {
    waiting.computeIfPresent(jobId, (k, list) -> {
      list.remove(f);
      return list.isEmpty() ? null : list;
    });
  }

  private void subscribeLoop() {
    String[] channels = new String[keys.shards()];
    for (int i = 0; i < channels.length; i++) {
      channels[i] = keys.doneChannel(i);
    }
    while (!closed) {
      try {
        redis.subscribe(listener, channels);
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("completion subscription lost; resubscribing in 1 s: {}", e.toString());
          sleep(1000);
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (listener.isSubscribed()) {
        listener.unsubscribe();
      }
    } catch (RuntimeException e) {
      log.debug("unsubscribe at close failed", e);
    }
    subscriber.interrupt();
    waiting.values().forEach(l -> l.forEach(f -> f.cancel(false)));
  }

  private final class Listener extends JedisPubSub {
    @Override
    public void onMessage(String channel, String jobId) {
      try {
        resolve(jobId);
      } catch (RuntimeException e) {
        log.warn("resolving watched job {} failed; the periodic re-check will retry", jobId, e);
      }
    }
  }
}
