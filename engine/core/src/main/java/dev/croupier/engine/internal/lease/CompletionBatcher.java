package dev.croupier.engine.internal.lease;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.internal.script.ReplyCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Coalesces completions made by many threads into one script call per shard: one flusher sends
 * whatever queued up while the previous flush was in flight, so under load many completions share
 * one call (the per-call overhead of Lua dominates a single ack), and when idle a completion goes
 * out at once, with no linger.
 */
final class CompletionBatcher implements AutoCloseable {

  /** Most completions in one script call: bounds how long one call holds Redis. */
  static final int MAX_BATCH = 128;

  /** One completion on its way: its shard and the 7 script arguments (see completeJobs-1.lua). */
  record Entry(int shard, List<Object> args) {}

  private final Function<Map<Integer, List<Entry>>, Map<Integer, List<ReplyCode>>> flush;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread flusher;
  private volatile boolean closed;

  /**
   * Starts the flusher thread named {@code name}; {@code flush} runs the grouped completions
   * (shard to entries, in order) and answers each shard's codes in the same order.
   */
  CompletionBatcher(String name,
      Function<Map<Integer, List<Entry>>, Map<Integer, List<ReplyCode>>> flush) {
    this.flush = Objects.requireNonNull(flush, "flush");
    this.flusher = Thread.ofPlatform().daemon().name(name).start(this::flushLoop);
  }

  /** Sends {@code entry} in the next flush and returns its code. */
  ReplyCode complete(Entry entry) {
    if (closed) {
      return flush.apply(Map.of(entry.shard(), List.of(entry))).get(entry.shard()).get(0);
    }
    Pending p = new Pending(entry, new CompletableFuture<>());
    queue.add(p);
    try {
      return p.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CroupierException("interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new CroupierException("completion failed", e.getCause());
    }
  }

  private void flushLoop() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        send(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      p.result.completeExceptionally(new CroupierException("the engine is closing"));
    }
  }

  private void send(List<Pending> batch) {
    Map<Integer, List<Entry>> byShard = new LinkedHashMap<>();
    Map<Integer, List<Pending>> waiting = new LinkedHashMap<>();
    for (Pending p : batch) {
      byShard.computeIfAbsent(p.entry.shard(), s -> new ArrayList<>()).add(p.entry);
      waiting.computeIfAbsent(p.entry.shard(), s -> new ArrayList<>()).add(p);
    }
    try {
      Map<Integer, List<ReplyCode>> codes = flush.apply(byShard);
      waiting.forEach((shard, ps) -> {
        List<ReplyCode> c = codes.get(shard);
        for (int i = 0; i < ps.size(); i++) {
          ps.get(i).result.complete(c.get(i));
        }
      });
    } catch (RuntimeException e) {
      batch.forEach(p -> p.result.completeExceptionally(e));
    }
  }

  @Override
  public void close() {
    closed = true;
    flusher.interrupt();
    try {
      flusher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Pending(Entry entry, CompletableFuture<ReplyCode> result) {}
}
