package dev.croupier.protocol;

import io.netty.channel.Channel;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one connection is about to be sent, from any thread, written by one event-loop task at a
 * time. An item queued while such a task is pending rides along with it: one wakeup of the event
 * loop and one flush for everything that piled up (a node's dispatches and replies, a client's
 * requests and completions), and nothing waits for a timer, so an idle connection's frame goes
 * out at once. Items are written in the order they were queued. The node's outbox and the worker
 * SDK's connection both write through one.
 *
 * @param <T> what is queued
 */
public final class WriteQueue<T> {

  /** How a queue's items reach the channel; every method runs on the channel's event loop but {@link #dropped}. */
  public interface Writer<T> {
    /** Whether the channel takes writes now; when not, what is queued is dropped. */
    default boolean open() {
      return true;
    }

    /** Writes one item (without flushing); returns the frames it wrote. */
    int write(T item);

    /** Called after a task's writes, before its flush (a batch being built goes out). */
    default void finish() {}

    /** An item that will not be written: the channel is closed, or its event loop is stopping. */
    default void dropped(T item) {}
  }

  /** Most frames one task writes before it lets the event loop do other work. */
  static final int MAX_PER_TASK = 4096;

  private final Channel channel;
  private final Writer<T> writer;
  private final Queue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** A queue writing to {@code channel} through {@code writer}. */
  public WriteQueue(Channel channel, Writer<T> writer) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /** Queues an item; it is written by the pending task, or one scheduled now. */
  public void add(T item) {
    queue.add(item);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The event loops are stopping: the connection closes unwritten.
        scheduled.set(false);
        dropAll();
      }
    }
  }

  /** Writes what is queued (on the event loop), then flushes once. */
  private void drain() {
    // Cleared before reading the queue: whatever is queued after this finds it clear and
    // schedules another task, so nothing is left behind.
    scheduled.set(false);
    if (!writer.open()) {
      dropAll();
      return;
    }
    int written = 0;
    T next;
    while (written < MAX_PER_TASK && (next = queue.poll()) != null) {
      written += writer.write(next);
    }
    writer.finish();
    channel.flush();
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  private void dropAll() {
    for (T item; (item = queue.poll()) != null; ) {
      writer.dropped(item);
    }
  }
}
