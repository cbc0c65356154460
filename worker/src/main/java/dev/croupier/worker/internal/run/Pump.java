package dev.croupier.worker.internal.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Sends items in batches with one batch in flight at a time: what queues up while the previous
 * batch is unanswered goes together in the next one. There is no timer: an item added while
 * nothing is in flight is sent at once, alone, so batching costs an idle worker no latency and
 * under load each request carries many items. (The engine's {@code Coalescer} does the same for
 * Redis.) Thread-safe.
 *
 * @param <T> what is sent
 */
final class Pump<T> {

  private final int maxBatch;
  private final Function<List<T>, CompletableFuture<?>> send;
  private final Queue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean busy = new AtomicBoolean();

  /**
   * {@code send} sends one batch of at most {@code maxBatch} items and returns what completes
   * (either way) once the batch was answered, or may be sent again: until then no other batch goes.
   */
  Pump(int maxBatch, Function<List<T>, CompletableFuture<?>> send) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be positive: " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.send = Objects.requireNonNull(send, "send");
  }

  /** Queues {@code item}; it goes now if nothing is in flight, else with the next batch. */
  void add(T item) {
    queue.add(item);
    pump();
  }

  /** Queues several items; they go together if nothing is in flight. */
  void addAll(List<T> items) {
    queue.addAll(items);
    pump();
  }

  /** Drops what is queued and not sent yet. */
  void clear() {
    queue.clear();
  }

  /** Items queued and not sent yet. */
  int queued() {
    return queue.size();
  }

  private void pump() {
    while (!queue.isEmpty() && busy.compareAndSet(false, true)) {
      List<T> batch = new ArrayList<>();
      T next;
      while (batch.size() < maxBatch && (next = queue.poll()) != null) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        busy.set(false);
        continue;
      }
      CompletableFuture<?> answered;
      try {
        answered = send.apply(batch);
      } catch (RuntimeException e) {
        busy.set(false);
        throw e;
      }
      answered.whenComplete((x, err) -> {
        busy.set(false);
        pump();
      });
    }
  }
}
