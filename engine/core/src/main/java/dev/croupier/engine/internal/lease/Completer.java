package dev.croupier.engine.internal.lease;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.Outcome;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.FairnessMode;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.ShardBatches;
import dev.croupier.engine.internal.script.Coalescer;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import dev.croupier.engine.spi.Leases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records how deliveries end (ack, retry, fail) and extends leases of running jobs. Completions
 * from every thread are coalesced into one {@code completeJobs} call per shard and flush, and
 * heartbeats likewise into {@code extendLeases} calls; the script computes retry backoffs itself
 * from the function's policy mirrored into the shard.
 */
public final class Completer implements AutoCloseable {

  private static final int MAX_ERROR_LENGTH = 2000;
  /**
   * Most completions in one script call (a flush sends several, pipelined). A call also stops on
   * its time budget ({@link EngineOptions#scriptBudget}); ShardBatches sends what it left again.
   */
  static final int MAX_BATCH = 128;

  /** One completion on its way: its shard and the 7 script arguments (see completeJobs-1.lua). */
  private record Entry(int shard, List<Object> args) {}

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;
  private final Coalescer<Entry, ReplyCode> batcher;
  private final Coalescer<Extension, ReplyCode> extensions;

  /** A completer writing through {@code scripts}. */
  public Completer(ScriptRegistry scripts, KeySchema keys, EngineOptions options) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.options = Objects.requireNonNull(options, "options");
    this.batcher = new Coalescer<>("croupier-completions", MAX_BATCH, this::flush);
    this.extensions = new Coalescer<>("croupier-heartbeats", MAX_BATCH * 4, this::flushExtensions);
  }

  /** Records the outcome of the delivery of a job that {@code leaseToken} proves. */
  public CompletionResult complete(String jobId, String leaseToken, Outcome outcome) {
    return completion(batcher.submit(entry(jobId, leaseToken, outcome)));
  }

  /** As {@link #complete}, without waiting: the result comes on the flusher thread. */
  public CompletableFuture<CompletionResult> completeAsync(String jobId, String leaseToken, Outcome outcome) {
    return batcher.submitAsync(List.of(entry(jobId, leaseToken, outcome))).thenApply(r -> completion(r.get(0)));
  }

  /**
   * Records several outcomes; they travel together in one flush (its calls hold at most
   * {@link #MAX_BATCH} each), each settled as {@link #complete} would. Results in order. A
   * malformed job id refuses them all before any is sent.
   */
  public List<CompletionResult> completeAll(List<Leases.Completion> completions) {
    return completions(batcher.submit(entries(completions)));
  }

  /**
   * As {@link #completeAll}, without waiting: the results come on the flusher thread. A
   * malformed job id is refused at once (thrown), before any is sent.
   */
  public CompletableFuture<List<CompletionResult>> completeAllAsync(List<Leases.Completion> completions) {
    return batcher.submitAsync(entries(completions)).thenApply(Completer::completions);
  }

  private List<Entry> entries(List<Leases.Completion> completions) {
    List<Entry> entries = new ArrayList<>(completions.size());
    for (Leases.Completion c : completions) {
      entries.add(entry(c.jobId(), c.leaseToken(), c.outcome()));
    }
    return entries;
  }

  private static List<CompletionResult> completions(List<ReplyCode> codes) {
    List<CompletionResult> out = new ArrayList<>(codes.size());
    codes.forEach(code -> out.add(completion(code)));
    return out;
  }

  private Entry entry(String jobId, String leaseToken, Outcome outcome) {
    int shard = JobIds.shardOf(jobId, keys.shards());
    List<Object> args = new ArrayList<>(7);
    args.add(jobId);
    args.add(leaseToken);
    switch (outcome) {
      case Outcome.Success s -> {
        args.add("s");
        args.add(s.cost().toMillis());
        args.add(-1L);
        args.add("");
      }
      case Outcome.Retry r -> {
        args.add("r");
        args.add(r.cost().toMillis());
        args.add(r.retryAfter() == null ? -1L : options.clock().millis() + r.retryAfter().toMillis());
        args.add(truncate(r.error()));
      }
      case Outcome.Fail f -> {
        args.add("f");
        args.add(f.cost().toMillis());
        args.add(-1L);
        args.add(truncate(f.error()));
      }
    }
    // The jitter of a retry's backoff; nothing else draws on it, and formatting a random double
    // costs more than the rest of the entry.
    args.add(outcome instanceof Outcome.Retry ? Double.toString(ThreadLocalRandom.current().nextDouble()) : "0");
    return new Entry(shard, args);
  }

  /** Extends a running job's lease by the lease timeout it was leased with. */
  public CompletionResult extend(String jobId, String leaseToken) {
    return extendAll(List.of(new Leases.Lease(jobId, leaseToken))).get(0);
  }

  /**
   * Extends several leases in one flush (with whatever other threads extend meanwhile: one
   * {@code extendLeases} call per shard); results in order, each judged on its own.
   */
  public List<CompletionResult> extendAll(List<Leases.Lease> leases) {
    List<Extension> entries = new ArrayList<>(leases.size());
    for (Leases.Lease l : leases) {
      entries.add(new Extension(JobIds.shardOf(l.jobId(), keys.shards()), l));
    }
    List<ReplyCode> codes = extensions.submit(entries);
    List<CompletionResult> out = new ArrayList<>(codes.size());
    codes.forEach(c -> out.add(completion(c)));
    return out;
  }

  private record Extension(int shard, Leases.Lease lease) {}

  /** One extendLeases call per shard and chunk (several in one pipeline); codes in entry order. */
  private List<ReplyCode> flushExtensions(List<Extension> entries) {
    long now = options.clock().millis();
    return ShardBatches.run(scripts, entries, Extension::shard, MAX_BATCH, (shard, part) -> {
      Args a = Args.of().add(keys.prefix(shard)).add(now);
      for (Extension e : part) {
        a.add(e.lease().jobId()).add(e.lease().leaseToken());
      }
      return new ScriptRegistry.Call(Script.EXTEND_LEASES, Args.of().add(keys.inflight(shard)).list(), a.list());
    }, Replies::codes);
  }

  /**
   * One completeJobs call per shard and chunk (several in one pipeline), and again for what a call
   * left on its time budget; codes in entry order.
   */
  private List<ReplyCode> flush(List<Entry> entries) {
    long now = options.clock().millis();
    return ShardBatches.run(scripts, entries, Entry::shard, MAX_BATCH, (shard, part) -> {
      Args a = Args.of().add(keys.prefix(shard)).add(now).add(options.statusRetention().toMillis())
          .add(options.virtualTimeRetention().toMillis())
          .add(options.fairness() == FairnessMode.WEIGHTED ? 1 : 0).add(options.scriptBudgetMicros());
      for (Entry e : part) {
        for (Object o : e.args()) {
          if (o instanceof String s) {
            a.add(s);
          } else {
            a.add(((Number) o).longValue());
          }
        }
      }
      return new ScriptRegistry.Call(Script.COMPLETE_JOBS, Args.of().add(keys.inflight(shard)).list(), a.list());
    }, Replies::codes);
  }

  private static String truncate(String error) {
    return error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
  }

  /** What an ack, nack or heartbeat reply means to the worker that sent it. */
  private static CompletionResult completion(ReplyCode code) {
    return switch (code) {
      case OK -> CompletionResult.ACCEPTED;
      case STALE_LEASE -> CompletionResult.STALE;
      case UNKNOWN_JOB -> CompletionResult.UNKNOWN_JOB;
      default -> throw new IllegalStateException("unexpected reply to a completion: " + code);
    };
  }

  @Override
  public void close() {
    batcher.close();
    extensions.close();
  }
}
