package dev.croupier.engine.internal.enqueue;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.Names;
import dev.croupier.api.RetryKeys;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobRequest;
import dev.croupier.api.EnqueueResult;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Coalescer;
import dev.croupier.engine.internal.script.HeaderField;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates enqueue requests in the caller's thread, then writes them together with whatever
 * other threads enqueue at the same time: one round trip per flush, the jobs grouped by virtual
 * queue into one {@code enqueueJobs} call per queue (idempotency keys are checked per job inside
 * it). Producers that enqueue one job at a time, as a node serving many connections does, share
 * script calls instead of paying one each; an idle enqueue goes out at once.
 */
public final class Enqueuer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Enqueuer.class);

  /** Most jobs one enqueue script call writes (about 0.5 ms of Redis time for small payloads). */
  static final int MAX_JOBS_PER_CALL = 64;
  /** Most jobs one flush writes (more only when a single batch is larger). */
  static final int MAX_JOBS_PER_FLUSH = 1024;

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final ConfigStore config;
  private final EngineOptions options;
  private final JobIds ids = new JobIds();
  private final Coalescer<Job, EnqueueResult> writes =
      new Coalescer<>("croupier-enqueues", MAX_JOBS_PER_FLUSH, this::write);
  private final WatchedJobs watched;
  private final String origin;
  private final Predicate<String> takenHere;
  private final Claims claims;

  /**
   * What follows the engine's writes for its claims: claims that ride along a flush's round trip
   * (an idle engine's claims of the jobs it takes at once itself), and the wake-up of its claim
   * loops for jobs stored that no ride settled.
   */
  public interface Claims {
    /**
     * Claims to send right after a flush's writes, in its round trip, when the flush writes jobs
     * to {@code shards}, all of them of {@code functions}, which this engine takes at once itself;
     * null for none.
     */
    Ride board(Set<Integer> shards, Set<String> functions);

    /** Jobs were stored that no ride settled: the claim loops look for them. */
    void stored();

    /** No rides, and nobody to wake. */
    Claims NONE = new Claims() {
      @Override
      public Ride board(Set<Integer> shards, Set<String> functions) {
        return null;
      }

      @Override
      public void stored() {}
    };
  }

  /** Claims riding one flush's round trip. */
  public interface Ride {
    /** The calls, sent after the flush's own. */
    List<ScriptRegistry.Call> calls();

    /**
     * Their replies, in order (each a reply, or the exception Redis's error reply was translated
     * to); true when they settled what the flush stored: nothing is left for the claim loops.
     */
    boolean arrived(List<Object> replies);

    /** The round trip failed as a whole: whatever the ride holds is given back. */
    void failed();
  }

  /**
   * Told of jobs enqueued watched ({@code EnqueueOptions.watched}): their ids before they are
   * written, so that a watcher may expect their ends from the start, and the ids that were not
   * stored after all (a duplicate's, or every one of a failed write).
   */
  public interface WatchedJobs {
    /** Jobs about to be written watched. */
    void expect(List<String> ids);

    /** Jobs of {@link #expect} that were not stored. */
    void unexpect(List<String> ids);

    /** Tells nobody. */
    WatchedJobs NONE = of(ids -> {}, ids -> {});

    /** Tells {@code expect} and {@code unexpect}. */
    static WatchedJobs of(Consumer<List<String>> expect, Consumer<List<String>> unexpect) {
      return new WatchedJobs() {
        @Override
        public void expect(List<String> ids) {
          expect.accept(ids);
        }

        @Override
        public void unexpect(List<String> ids) {
          unexpect.accept(ids);
        }
      };
    }
  }

  /** An enqueuer writing through {@code scripts}. */
  public Enqueuer(ScriptRegistry scripts, KeySchema keys, ConfigStore config, EngineOptions options) {
    this(scripts, keys, config, options, WatchedJobs.NONE, "", function -> false);
  }

  /**
   * An enqueuer writing through {@code scripts} that tells {@code watched} of watched jobs, for
   * the engine {@code origin} (its id: the work its writes announce on the shard's work channel
   * is marked as its own, since it wakes its own claim loops directly; "" for none), which takes
   * new jobs of the functions {@code takenHere} accepts at once itself (it has room for them):
   * their writes announce nothing.
   */
  public Enqueuer(ScriptRegistry scripts, KeySchema keys, ConfigStore config, EngineOptions options,
      WatchedJobs watched, String origin, Predicate<String> takenHere) {
    this(scripts, keys, config, options, watched, origin, takenHere, Claims.NONE);
  }

  /** As above, with {@code claims} told of each flush (claims riding along, and stored jobs). */
  public Enqueuer(ScriptRegistry scripts, KeySchema keys, ConfigStore config, EngineOptions options,
      WatchedJobs watched, String origin, Predicate<String> takenHere, Claims claims) {
    this.claims = Objects.requireNonNull(claims, "claims");
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
    this.watched = Objects.requireNonNull(watched, "watched");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.takenHere = Objects.requireNonNull(takenHere, "takenHere");
  }

  /** A validated job, ready to write. */
  private record Job(String tenant, String function, int shard, String id, String queueId, byte[] payload,
      long runAt, long score, int maxAttempts, String keyed, Map<String, String> keyValues,
      String idempotencyKey, long idempotencyWindowMs, String headers, boolean watched) {}

  /**
   * Enqueues every request in one flush (all or nothing as far as validation goes: one bad
   * request rejects the batch before any write); results are in request order.
   */
  public List<EnqueueResult> enqueue(List<JobRequest> requests) {
    return Coalescer.join(submit(validateAll(requests)));
  }

  /**
   * As {@link #enqueue}, without waiting for Redis. When every function the requests name is in
   * the config cache (the usual case: a cache miss reads Redis, so only then is there anything
   * to wait for), the requests are validated here and the future completes on the writer thread,
   * so what depends on it should be quick; otherwise the whole enqueue runs on {@code blocking}.
   * An invalid request fails the future, and nothing of the batch is written.
   */
  public CompletableFuture<List<EnqueueResult>> enqueueAsync(List<JobRequest> requests, Executor blocking) {
    for (JobRequest r : requests) {
      if (!config.isCached(r.function())) {
        return CompletableFuture.supplyAsync(() -> enqueue(requests), blocking);
      }
    }
    try {
      return submit(validateAll(requests));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Hands validated jobs to the writer. Those enqueued watched are expected from now on (see
   * {@link WatchedJobs}), and no longer once the write failed or answered them as duplicates.
   */
  private CompletableFuture<List<EnqueueResult>> submit(Validated v) {
    if (v.watchedIds.isEmpty()) {
      return writes.submitAsync(v.jobs);
    }
    watched.expect(v.watchedIds);
    return writes.submitAsync(v.jobs).whenComplete((results, err) -> {
      if (err != null) {
        watched.unexpect(v.watchedIds);
      } else {
        unexpectDuplicates(v, results);
      }
    });
  }

  /** The requests' jobs, checked and given ids, and the ids of those enqueued watched. */
  private record Validated(List<Job> jobs, List<String> watchedIds) {}

  private Validated validateAll(List<JobRequest> requests) {
    long now = options.clock().millis();
    List<Job> jobs = new ArrayList<>(requests.size());
    List<String> watchedIds = new ArrayList<>();
    for (JobRequest r : requests) {
      Job j = validate(r, now);
      jobs.add(j);
      if (j.watched) {
        watchedIds.add(j.id);
      }
    }
    return new Validated(jobs, watchedIds);
  }

  /** A watched job answered as a duplicate was never written under its own id: not expected. */
  private void unexpectDuplicates(Validated v, List<EnqueueResult> results) {
    List<String> notStored = new ArrayList<>();
    for (int i = 0; i < v.jobs.size(); i++) {
      if (v.jobs.get(i).watched && results.get(i).duplicate()) {
        notStored.add(v.jobs.get(i).id);
      }
    }
    if (!notStored.isEmpty()) {
      watched.unexpect(notStored);
    }
  }

  /** Writes validated jobs of any callers in one round trip; results in the jobs' order. */
  private List<EnqueueResult> write(List<Job> jobs) {
    long now = options.clock().millis();
    // Grouping reorders jobs, but the first of several enqueues with one idempotency key (in the
    // order they were made) must be the one stored: later ones within the flush are not sent, and
    // answer whatever the first one does, as duplicates.
    Map<String, Job> firstWithKey = new HashMap<>();
    Map<Job, Job> repeats = new IdentityHashMap<>();
    // One group per queue and set of keyed-limit values: secondary key values may differ within
    // one queue, and the group shares them.
    Map<String, List<Job>> groups = new LinkedHashMap<>();
    for (Job j : jobs) {
      if (j.idempotencyKey != null) {
        Job first = firstWithKey.putIfAbsent(j.shard + "/" + j.tenant + "/" + j.idempotencyKey, j);
        if (first != null) {
          repeats.put(j, first);
          continue;
        }
      }
      groups.computeIfAbsent(j.shard + "/" + j.queueId + "/" + j.keyed, k -> new ArrayList<>()).add(j);
    }
    List<ScriptRegistry.Call> calls = new ArrayList<>();
    List<List<Job>> written = new ArrayList<>();
    Set<Integer> shards = new HashSet<>();
    Set<String> functions = new HashSet<>();
    boolean allTakenHere = true;
    for (List<Job> group : groups.values()) {
      // A script call holds Redis while it runs: chunks keep every call short (a 1,000-job call
      // held it ~8 ms, stalling every other client). The flush stays one round trip.
      for (int from = 0; from < group.size(); from += MAX_JOBS_PER_CALL) {
        List<Job> chunk = group.subList(from, Math.min(group.size(), from + MAX_JOBS_PER_CALL));
        calls.add(group(chunk, now));
        written.add(chunk);
      }
      Job first = group.get(0);
      shards.add(first.shard);
      functions.add(first.function);
      allTakenHere &= takenHere.test(first.function);
    }
    Ride ride = allTakenHere ? claims.board(shards, functions) : null; // none for a flush of repeats alone
    Sent sent = ride == null ? new Sent(scripts.runPipelined(calls), false) : rideAlong(calls, ride);
    List<Object> replies = sent.replies();
    Map<Job, EnqueueResult> results = new IdentityHashMap<>(jobs.size());
    for (int c = 0; c < calls.size(); c++) {
      List<Job> chunk = written.get(c);
      List<String> firsts = Replies.duplicates(replies.get(c));
      for (int i = 0; i < chunk.size(); i++) {
        Job j = chunk.get(i);
        String first = firsts.get(i);
        results.put(j, first == null ? new EnqueueResult(j.id, false) : new EnqueueResult(first, true));
      }
    }
    List<EnqueueResult> out = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      Job first = repeats.get(j);
      out.add(first == null ? results.get(j) : new EnqueueResult(results.get(first).jobId(), true));
    }
    if (!sent.settled()) {
      claims.stored();
    }
    return out;
  }

  /** A flush's replies to its writes, and whether a ride settled what they stored. */
  private record Sent(List<Object> replies, boolean settled) {}

  /**
   * Sends the flush's writes and then the ride's claims in one round trip; hands the ride its
   * replies (before the writes are answered: a job it leased starts sooner) and returns the
   * writes', throwing the first write that failed as {@link ScriptRegistry#runPipelined} does.
   */
  private Sent rideAlong(List<ScriptRegistry.Call> calls, Ride ride) {
    List<ScriptRegistry.Call> all = new ArrayList<>(calls);
    all.addAll(ride.calls());
    List<Object> replies;
    try {
      replies = scripts.runPipelinedSettled(all);
    } catch (RuntimeException e) {
      ride.failed();
      throw e;
    }
    boolean settled;
    try {
      settled = ride.arrived(replies.subList(calls.size(), all.size()));
    } catch (RuntimeException e) {
      // The jobs are stored whatever became of the claims: the enqueue must not fail for them
      // (a producer would enqueue them again). What was leased and not delivered is
      // redelivered when its lease expires, as after a claim loop's failed round.
      log.error("delivering what a claim riding an enqueue leased failed; the claim loops take over", e);
      settled = false;
    }
    return new Sent(ScriptRegistry.orThrow(replies.subList(0, calls.size())), settled);
  }

  @Override
  public void close() {
    writes.close();
  }

  private Job validate(JobRequest r, long now) {
    String tenant = Names.requireTenant(r.tenant());
    FunctionSpec spec = config.requireFunction(Names.requireFunction(r.function()));
    if (r.payload().length > options.maxPayloadBytes()) {
      throw new InvalidRequestException("payload of " + r.payload().length + " bytes is over the limit of "
          + options.maxPayloadBytes() + " bytes; store large data elsewhere and enqueue a reference");
    }
    EnqueueOptions o = r.options();
    checkKeys(spec, o.concurrencyKeys());
    long runAt = o.runAt() != null ? o.runAt().toEpochMilli() : now + o.delay().toMillis();
    // Priority orders due work only: a delayed job keeps its run-at as its score, so it never runs early.
    long score = runAt <= now ? runAt - o.priority().toMillis() : runAt;
    int maxAttempts = o.maxAttempts() > 0 ? o.maxAttempts() : spec.retry().maxAttempts();
    int shard = keys.shardOf(tenant);
    KeyedLimit queueKey = spec.queueKey();
    String qid = keys.queueId(tenant, spec.name(),
        queueKey == null ? null : o.concurrencyKeys().get(queueKey.key()));
    StringBuilder keyed = new StringBuilder();
    for (KeyedLimit k : spec.keyedLimits()) {
      keyed.append(KeySchema.keySlots(spec.name(), k.key(), o.concurrencyKeys().get(k.key()))).append('\n');
    }
    return new Job(tenant, spec.name(), shard, ids.next(shard, now), qid, r.payload(), runAt, score,
        maxAttempts, keyed.toString(), o.concurrencyKeys(), o.idempotencyKey(),
        (o.idempotencyWindow() != null ? o.idempotencyWindow() : options.idempotencyWindow()).toMillis(),
        HeaderField.encode(o.headers()), o.watched());
  }

  private ScriptRegistry.Call group(List<Job> group, long now) {
    Job first = group.get(0);
    int shard = first.shard;
    Args k = Args.of().add(keys.queue(shard, first.queueId)).add(keys.queueList(shard, first.queueId));
    RetryKeys.Parsed[] retries = new RetryKeys.Parsed[group.size()];
    boolean anyRetryKey = false;
    for (int i = 0; i < retries.length; i++) {
      retries[i] = RetryKeys.parse(group.get(i).idempotencyKey);
      anyRetryKey |= retries[i] != null;
    }
    Args a = Args.of().add(keys.prefix(shard)).add(first.tenant).add(first.function).add(first.queueId)
        .add(now).add(first.keyed).add(takenHere.test(first.function) ? "-" : origin).add(anyRetryKey ? "1" : "");
    for (int i = 0; i < retries.length; i++) {
      Job j = group.get(i);
      // Decided here rather than in Lua (the script's time per job is what all producers share):
      // the run-at is stored only when later than the job's enqueue time (its id's), and a job
      // whose score is that time (due at once, no priority) goes to the queue's list.
      long enqueuedAt = JobIds.timeOf(j.id);
      a.add(j.id).add(j.payload).add(j.maxAttempts).add(j.runAt > enqueuedAt ? Long.toString(j.runAt) : "")
          .add(j.score == enqueuedAt ? "" : Long.toString(j.score));
      RetryKeys.Parsed retry = retries[i];
      if (retry != null) { // a field of its call's hash: no key of its own, no hashing
        a.add(keys.retryKeys(shard, j.tenant, retry)).add(retry.index());
      } else {
        a.add(j.idempotencyKey == null ? "" : keys.idempotency(shard, j.tenant, j.idempotencyKey)).add("");
      }
      a.add(j.idempotencyKey == null ? 0 : j.idempotencyWindowMs).add(j.headers).add(j.watched ? "1" : "")
          .add(j.keyValues.size());
      j.keyValues.forEach((name, value) -> a.add(name).add(value));
    }
    return new ScriptRegistry.Call(Script.ENQUEUE_JOBS, k.list(), a.list());
  }

  private static void checkKeys(FunctionSpec spec, Map<String, String> given) {
    for (KeyedLimit k : spec.keyedLimits()) {
      if (!given.containsKey(k.key())) {
        throw new InvalidRequestException("function '" + spec.name() + "' has a concurrency limit per '"
            + k.key() + "': give a value for it in the enqueue options");
      }
    }
    for (String name : given.keySet()) {
      if (spec.keyedLimits().stream().noneMatch(k -> k.key().equals(name))) {
        throw new InvalidRequestException("function '" + spec.name() + "' declares no concurrency key '"
            + name + "' (it declares " + spec.keyedLimits().stream().map(KeyedLimit::key).toList() + ")");
      }
    }
  }
}
