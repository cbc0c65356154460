package dev.croupier.engine.internal.script;

import dev.croupier.api.CroupierException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Coalesces what many threads send to Redis into one flush: one flusher thread sends everything
 * that queued up while the previous flush was in flight, so under load many callers share one
 * round trip and their entries share script calls (a Lua call's fixed overhead is most of the
 * cost of a small job), and when idle an entry goes out at once, with no linger.
 *
 * <p>A caller's entries always travel in one flush, in order. When a flush fails, every caller
 * in it gets the exception (their writes are all-or-nothing per script call, and safe to retry
 * where the caller made them idempotent).
 *
 * @param <E> what a caller sends
 * @param <R> what it gets back for each entry
 */
public final class Coalescer<E, R> implements AutoCloseable {

  private final int maxEntries;
  private final Function<List<E>, List<R>> flush;
  private final BlockingQueue<Pending<E, R>> queue = new LinkedBlockingQueue<>();
  private final Thread flusher;
  private volatile boolean closed;

  /**
   * Starts the flusher thread named {@code name}. {@code flush} writes the entries (in the order
   * given) and answers one result per entry in the same order; it gets at most
   * {@code maxEntries} at once, unless one caller alone sent more.
   */
  public Coalescer(String name, int maxEntries, Function<List<E>, List<R>> flush) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1");
    }
    this.maxEntries = maxEntries;
    this.flush = Objects.requireNonNull(flush, "flush");
    this.flusher = Thread.ofPlatform().daemon().name(name).start(this::flushLoop);
  }

  /** Sends {@code entry} in the next flush and returns its result. */
  public R submit(E entry) {
    return submit(List.of(entry)).get(0);
  }

  /** Sends {@code entries} together in the next flush and returns their results, in order. */
  public List<R> submit(List<E> entries) {
    if (closed) {
      return flush.apply(entries);
    }
    return join(submitAsync(entries));
  }

  /**
   * Waits for a future of {@link #submitAsync} (or one derived from it) and returns its value;
   * a failure is thrown as the flush threw it.
   */
  public static <T> T join(CompletableFuture<T> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CroupierException("interrupted while waiting for Redis", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new CroupierException("write to Redis failed", e.getCause());
    }
  }

  /**
   * Sends {@code entries} together in the next flush without waiting: the future completes with
   * their results in order (or the flush's exception), on the flusher thread.
   */
  public CompletableFuture<List<R>> submitAsync(List<E> entries) {
    if (closed) {
      try {
        return CompletableFuture.completedFuture(flush.apply(entries));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    Pending<E, R> p = new Pending<>(entries, new CompletableFuture<>());
    queue.add(p);
    return p.result;
  }

  private void flushLoop() {
    List<Pending<E, R>> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending<E, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int entries = first.entries.size();
        Pending<E, R> next;
        while (entries < maxEntries && (next = queue.peek()) != null
            && entries + next.entries.size() <= maxEntries) {
          batch.add(queue.poll());
          entries += next.entries.size();
        }
        send(batch, entries);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    Pending<E, R> p;
    while ((p = queue.poll()) != null) {
      p.result.completeExceptionally(new CroupierException("the engine is closing"));
    }
  }

  private void send(List<Pending<E, R>> batch, int size) {
    List<E> all = new ArrayList<>(size);
    batch.forEach(p -> all.addAll(p.entries));
    try {
      List<R> results = flush.apply(all);
      int at = 0;
      for (Pending<E, R> p : batch) {
        p.result.complete(List.copyOf(results.subList(at, at + p.entries.size())));
        at += p.entries.size();
      }
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

  private record Pending<E, R>(List<E> entries, CompletableFuture<List<R>> result) {}
}
