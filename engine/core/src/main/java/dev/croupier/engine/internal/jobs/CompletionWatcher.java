package dev.croupier.engine.internal.jobs;

import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobInfo;
import dev.croupier.api.execution.Timeouts;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.ShardChannels;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Coalescer;
import dev.croupier.engine.internal.script.ShardBatches;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes futures when watched jobs end. A watched job's hash carries a flag, and the scripts
 * that end it announce it on the shard's done channel, with its record as it ended
 * ({@link EndAnnouncement}: one message per script call, however many watched jobs it ended), so
 * an await is answered without reading the job; the engine's subscription
 * ({@link ShardChannels}) hands those messages to {@link #channels()}.
 * Messages missed while the subscription reconnects are covered by re-reading every awaited job
 * once it is back; beyond that, a periodic re-check reads only awaits older than
 * {@link #RECHECK_AFTER_MS} (every fifth second), and those whose resolution failed: re-reading
 * every awaited job every second cost a read per awaited job and second of waiting.
 *
 * <p>A job this engine enqueued watched ({@link #expect}) carries the flag from its first write,
 * so awaiting it needs no {@code watchJobs} call: the end is announced anyway, and the listener
 * notes it for an await that comes later. That note is a cache (bounded, and dropped a while after
 * the end): an await that finds none marks and reads the job as any other.
 *
 * <p>Watching costs no round trip per job under load: what concurrent watchers ask for goes out
 * together (one {@code watchJobs} call per shard per flush), and an announced end needs no read.
 * What must be read (a job announced without its record, by an engine of an earlier version; an
 * await of a job not seen enqueued that had already ended; the re-checks) is looked up together
 * (one pipeline of HGETALLs per flush); an idle watch goes out at once.
 */
public final class CompletionWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CompletionWatcher.class);
  /** Most jobs one flush marks or looks up. */
  static final int MAX_PER_FLUSH = 512;
  /** Most jobs enqueued watched that are remembered at once; one dropped for room is awaited as any other. */
  static final int MAX_EXPECTED = 100_000;
  /** How long an expected job is remembered: after its end (for a late await), and in all. */
  static final long EXPECTED_AFTER_END_MS = 60_000;
  static final long EXPECTED_AT_MOST_MS = 600_000;
  /** Awaits younger than this are left to the announcements between reconnects. */
  static final long RECHECK_AFTER_MS = 5_000;

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final JobAdmin admin;
  private final Map<String, Waiters> waiting = new ConcurrentHashMap<>();
  /** Awaited jobs whose announced end could not be resolved: re-read at the next re-check. */
  private final Set<String> recheckSoon = ConcurrentHashMap.newKeySet();
  /** Set when the subscription (re)starts: messages may have been missed, so re-read every await. */
  private final AtomicBoolean recheckAll = new AtomicBoolean();
  private int rechecks;
  /**
   * Jobs enqueued watched by this engine, by id (see the class comment): each is dropped
   * {@link #EXPECTED_AT_MOST_MS} after it was noted, or {@link #EXPECTED_AFTER_END_MS} after its
   * end was announced, and at most {@link #MAX_EXPECTED} are kept.
   */
  private final Cache<String, Expected> expected = Caffeine.newBuilder().maximumSize(MAX_EXPECTED)
      // Written three times per watched job: its upkeep runs on the writing thread, not as a
      // task for the common pool that wakes one of its threads every few writes.
      .executor(Runnable::run)
      .expireAfter(new Expiry<String, Expected>() {
        @Override
        public long expireAfterCreate(String id, Expected e, long now) {
          return TimeUnit.MILLISECONDS.toNanos(EXPECTED_AT_MOST_MS);
        }

        @Override
        public long expireAfterUpdate(String id, Expected e, long now, long left) {
          return e.endedAt != 0 ? TimeUnit.MILLISECONDS.toNanos(EXPECTED_AFTER_END_MS) : left;
        }

        @Override
        public long expireAfterRead(String id, Expected e, long now, long left) {
          return left;
        }
      }).build();
  private final Coalescer<String, Optional<String>> watches =
      new Coalescer<>("croupier-watches", MAX_PER_FLUSH, this::watchAll);
  private final Coalescer<String, Optional<JobInfo>> lookups;
  /** Times awaits out (and re-checks watched jobs). */
  private final ScheduledExecutorService scheduler;
  /**
   * Completes the awaits of announced ends ({@link #drainResolved}): what callers chained onto
   * their futures runs there, never on the subscriber or the lookup writer, which every other
   * watched job waits for. One virtual thread at a time drains what was looked up: a thread per
   * job cost a start and a carrier wake-up each, the await path's largest cost after the wire.
   */
  private final ExecutorService resolver = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("croupier-watch-resolve-", 0).factory());
  /** Announced ends looked up, waiting for the resolver, in the order their lookups answered. */
  private final Queue<Resolved> resolved = new ConcurrentLinkedQueue<>();
  /** Whether a resolver thread is draining {@link #resolved} (or about to). */
  private final AtomicBoolean resolving = new AtomicBoolean();

  /** A watcher re-checking on {@code scheduler}; it hears of ends through {@link #channels()}. */
  public CompletionWatcher(ScriptRegistry scripts, KeySchema keys, JobAdmin admin,
      ScheduledExecutorService scheduler) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.admin = Objects.requireNonNull(admin, "admin");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.lookups = new Coalescer<>("croupier-watch-lookups", MAX_PER_FLUSH, admin::lookupAll);
    scheduler.scheduleWithFixedDelay(this::recheck, 1, 1, TimeUnit.SECONDS);
  }

  /** The awaits of one job, and when the first of them began (the periodic re-check reads old ones). */
  private record Waiters(long since, List<CompletableFuture<JobInfo>> futures) {}

  /** A job enqueued watched: when its end was announced (0: not yet), and how it ended if the announcement said. */
  private static final class Expected {
    /** Written before {@link #endedAt}, so a reader that sees the end sees this too. */
    volatile JobInfo info;
    volatile long endedAt;
  }

  /**
   * Jobs about to be written watched (their hashes carry the flag from the first write): an await
   * of one of them skips the watchJobs call. Call before the write, so no end goes unnoted.
   */
  public void expect(List<String> jobIds) {
    for (String id : jobIds) {
      expected.asMap().putIfAbsent(id, new Expected());
    }
  }

  /** Jobs of {@link #expect} that were not written after all. */
  public void unexpect(List<String> jobIds) {
    expected.invalidateAll(jobIds);
  }

  /** Jobs remembered by {@link #expect} now (for tests). */
  int expectedCount() {
    expected.cleanUp();
    return (int) expected.estimatedSize();
  }

  /**
   * A future completed with the job's info when it reaches a final state. Does not block: a job
   * not seen enqueued is marked watched in the next flush, and a failure to do so (Redis away)
   * completes the future exceptionally. A malformed id is thrown at once.
   */
  public CompletableFuture<JobInfo> await(String jobId, Duration timeout) {
    JobIds.shardOf(jobId, keys.shards()); // a malformed id is refused before anything is written
    CompletableFuture<JobInfo> f = new CompletableFuture<>();
    // Register before marking the job watched, so an end published in between is not missed.
    // Added inside compute: forget, which drops the entry with its last future, cannot race it.
    waiting.compute(jobId, (k, w) -> {
      Waiters out = w != null ? w : new Waiters(System.currentTimeMillis(), new CopyOnWriteArrayList<>());
      out.futures().add(f);
      return out;
    });
    f.whenComplete((v, e) -> forget(jobId, f));
    Expected expectation = expected.getIfPresent(jobId);
    if (expectation != null) {
      // Watched since its enqueue: its end is announced. The listener notes an end before it
      // looks for waiters, and this await registered before it reads the note, so one of the
      // two sees the other: an end announced before now is resolved here.
      f.whenComplete((info, err) -> {
        if (info != null) {
          expected.asMap().remove(jobId, expectation); // answered: the note has done its work
        }
      });
      if (expectation.endedAt != 0) {
        JobInfo info = expectation.info;
        if (info != null) {
          resolved(jobId, Optional.of(info));
        } else {
          resolve(jobId);
        }
      }
      return Timeouts.within(f, timeout.toMillis(), scheduler);
    }
    // Not seen enqueued: marked watched (and its state read) with whatever else is being watched,
    // in one flush; no thread waits for it, so a caller on an event loop may await.
    watches.submitAsync(List.of(jobId)).whenComplete((states, err) -> {
      if (err != null) {
        f.completeExceptionally(err); // forgets it
        return;
      }
      Optional<String> state = states.get(0);
      if (state.isEmpty()) {
        f.completeExceptionally(new InvalidRequestException("no job with id " + jobId));
        return;
      }
      String st = state.get();
      if (st.equals("succeeded") || st.equals("dead") || st.equals("cancelled")) {
        resolve(jobId);
      }
    });
    return Timeouts.within(f, timeout.toMillis(), scheduler);
  }

  /** Marks jobs watched: one watchJobs call per shard (in chunks), all in one round trip. */
  private List<Optional<String>> watchAll(List<String> jobIds) {
    return ShardBatches.run(scripts, jobIds, id -> JobIds.shardOf(id, keys.shards()), MAX_PER_FLUSH,
        (shard, part) -> {
          Args a = Args.of().add(keys.prefix(shard));
          part.forEach(a::add);
          return new ScriptRegistry.Call(Script.WATCH_JOBS, Args.of().add(keys.job(shard, part.get(0))).list(),
              a.list());
        }, Replies::jobStates);
  }

  /**
   * Looks a job whose end was announced up, with whatever else is being resolved (one flush), and
   * completes its awaits on a resolver thread; no thread waits for the lookup. A failed lookup is
   * left to the periodic re-check.
   */
  private void resolve(String jobId) {
    if (!waiting.containsKey(jobId)) {
      return;
    }
    lookups.submitAsync(List.of(jobId)).whenComplete((found, err) -> {
      if (err != null) {
        recheckSoon.add(jobId);
        log.warn("resolving watched job {} failed; the periodic re-check will retry", jobId, err);
        return;
      }
      resolved(jobId, found.get(0));
    });
  }

  /** Hands a job's end to the resolver thread, which completes its awaits. */
  private void resolved(String jobId, Optional<JobInfo> info) {
    resolved.add(new Resolved(jobId, info));
    if (resolving.compareAndSet(false, true)) {
      try {
        resolver.execute(this::drainResolved);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /**
   * Completes the awaits of every looked-up end, in turn, until none is left. A dependent that
   * blocks delays the awaits resolved after it (as on any shared completion thread): callers chain
   * blocking work with the {@code *Async} methods.
   */
  private void drainResolved() {
    do {
      for (Resolved r = resolved.poll(); r != null; r = resolved.poll()) {
        complete(r.jobId(), r.info());
      }
      resolving.set(false);
      // One added after the last poll, whose adder saw this drain still running, is taken here.
    } while (!resolved.isEmpty() && resolving.compareAndSet(false, true));
  }

  private record Resolved(String jobId, Optional<JobInfo> info) {}

  private void complete(String jobId, Optional<JobInfo> info) {
    Waiters w = waiting.get(jobId);
    if (w == null) {
      return;
    }
    info.filter(i -> i.state().isFinal()).ifPresent(i -> w.futures().forEach(f -> f.complete(i)));
  }

  private void recheck() {
    long now = System.currentTimeMillis();
    boolean all = recheckAll.getAndSet(false);
    boolean old = ++rechecks % 5 == 0;
    Set<String> chosen = new LinkedHashSet<>();
    waiting.forEach((id, w) -> {
      if (all || (old && now - w.since() >= RECHECK_AFTER_MS)) {
        chosen.add(id);
      }
    });
    for (Iterator<String> it = recheckSoon.iterator(); it.hasNext(); ) {
      String id = it.next();
      it.remove(); // one at a time: an id added meanwhile stays for the next re-check
      if (waiting.containsKey(id)) {
        chosen.add(id);
      }
    }
    List<String> ids = new ArrayList<>(chosen);
    for (int from = 0; from < ids.size(); from += MAX_PER_FLUSH) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_PER_FLUSH));
      try {
        List<Optional<JobInfo>> infos = admin.lookupAll(chunk);
        for (int i = 0; i < chunk.size(); i++) {
          complete(chunk.get(i), infos.get(i));
        }
      } catch (RuntimeException e) {
        recheckSoon.addAll(chunk);
        log.debug("re-checking {} watched jobs failed", chunk.size(), e);
      }
    }
  }

  private void forget(String jobId, CompletableFuture<JobInfo> f) {
    waiting.computeIfPresent(jobId, (k, w) -> {
      w.futures().remove(f);
      return w.futures().isEmpty() ? null : w;
    });
  }

  /** What listens on every shard's done channel: the ids of watched jobs that ended. */
  public Map<String, ShardChannels.Handler> channels() {
    ShardChannels.Handler done = new ShardChannels.Handler() {
      @Override
      public void message(String message) {
        List<EndAnnouncement> ends;
        try {
          ends = EndAnnouncement.parse(message);
        } catch (IllegalArgumentException e) {
          // Not from a Croupier script: whatever it meant to announce, the re-checks find.
          log.warn("ignoring a message on a done channel: {}", e.getMessage());
          return;
        }
        long now = System.currentTimeMillis();
        for (EndAnnouncement end : ends) {
          ended(end, now);
        }
      }

      @Override
      public void subscribed() {
        recheckAll.set(true); // anything announced while it was not subscribed was missed
      }
    };
    return ShardChannels.onEveryShard(keys.shards(), keys::doneChannel, done);
  }

  /** One announced end: noted for an await still to come, and resolved for those waiting here. */
  private void ended(EndAnnouncement end, long now) {
    String jobId = end.jobId();
    if (!waiting.containsKey(jobId) && !expected.asMap().containsKey(jobId)) {
      // Watched by another engine's caller (every engine hears every end): nothing to build.
      // An await registered after this looks the job up, as it marks it watched first.
      return;
    }
    JobInfo info = null;
    if (end.hasRecord()) {
      try {
        info = JobAdmin.toInfo(jobId, end.fields(), now);
      } catch (RuntimeException e) {
        log.warn("the announced end of job {} does not describe it; looking it up: {}", jobId, e.toString());
      }
    }
    JobInfo known = info;
    // Noted for an await still to come (see await); as an update, so it expires a while after.
    expected.asMap().computeIfPresent(jobId, (id, e) -> {
      e.info = known;
      e.endedAt = now;
      return e;
    });
    if (!waiting.containsKey(jobId)) {
      return; // nobody here awaits it (watched by another engine's caller)
    }
    if (info != null) {
      resolved(jobId, Optional.of(info));
    } else {
      resolve(jobId);
    }
  }

  @Override
  public void close() {
    resolver.shutdownNow();
    watches.close();
    lookups.close();
    waiting.values().forEach(w -> w.futures().forEach(f -> f.cancel(false)));
    expected.invalidateAll();
  }
}
