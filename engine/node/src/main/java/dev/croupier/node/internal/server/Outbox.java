package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.DispatchBatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.protocol.Limits;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one connection is about to be sent, from any thread, written by one event-loop task at a
 * time. A frame queued while such a task is pending rides along with it: one wakeup of the event
 * loop and one flush for everything that piled up (a claim round's dispatches, the replies
 * finishing meanwhile), and nothing waits for a timer, so an idle connection's frame goes out at
 * once. Dispatches that sit next to each other in the queue go as one {@code DispatchBatch} to a
 * peer that accepts them ({@code Hello.accepts_dispatch_batch}), each as a plain {@code Dispatch}
 * to others. Frames are written in the order they were queued.
 */
final class Outbox {

  /** Most frames one task writes before it lets the event loop do other work. */
  private static final int MAX_PER_TASK = 4096;
  /** Bytes of a batch entry beyond its message: its field tag and length prefix. */
  private static final int ENTRY_OVERHEAD = 6;

  private final Channel channel;
  private final boolean batches;
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** The DispatchBatch being built, and its bytes; touched by the draining task only. */
  private DispatchBatch.Builder batch;
  private int batchBytes;

  /** An outbox writing to {@code channel}; {@code batches}: the peer takes DispatchBatch. */
  Outbox(Channel channel, boolean batches) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.batches = batches;
  }

  /** Queues a frame. */
  void send(Envelope frame) {
    queue.add(frame);
    schedule();
  }

  /**
   * Queues jobs for the peer (a claim's share for this connection): written by one task, in one
   * DispatchBatch where the peer takes them and the limits allow.
   */
  void dispatch(List<Dispatch> jobs) {
    queue.add(jobs.size() == 1 ? jobs.get(0) : List.copyOf(jobs));
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The node is stopping and its event loops with it: the connection closes unsent.
        queue.clear();
      }
    }
  }

  /** Writes what is queued (on the event loop), then flushes once. */
  private void drain() {
    // Cleared before reading the queue: whatever is queued after this finds it clear and
    // schedules another task, so nothing is left behind.
    scheduled.set(false);
    if (ProtocolErrorHandler.isClosing(channel) || !channel.isActive()) {
      // The closing Error stays the last frame; replies finishing meanwhile are dropped.
      queue.clear();
      return;
    }
    int written = 0;
    Object next;
    while (written < MAX_PER_TASK && (next = queue.poll()) != null) {
      if (next instanceof List<?> jobs) {
        jobs.forEach(this::write);
        written += jobs.size();
      } else {
        write(next);
        written++;
      }
    }
    endBatch();
    channel.flush();
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  /** Writes a frame, or adds a job to the batch being built. */
  private void write(Object next) {
    if (!(next instanceof Dispatch job)) {
      endBatch();
      channel.write(next);
      return;
    }
    if (!batches) {
      channel.write(Envelope.newBuilder().setDispatch(job).build());
      return;
    }
    int size = job.getSerializedSize() + ENTRY_OVERHEAD;
    if (batch != null && (batch.getDispatchesCount() >= Limits.MAX_DISPATCH_BATCH
        || batchBytes + size > Limits.MAX_DISPATCH_BATCH_BYTES)) {
      endBatch();
    }
    if (batch == null) {
      batch = DispatchBatch.newBuilder();
      batchBytes = 0;
    }
    batch.addDispatches(job);
    batchBytes += size;
  }

  /** Writes the batch being built, if any: one job as a plain Dispatch, more as a DispatchBatch. */
  private void endBatch() {
    if (batch == null) {
      return;
    }
    channel.write(batch.getDispatchesCount() == 1
        ? Envelope.newBuilder().setDispatch(batch.getDispatches(0)).build()
        : Envelope.newBuilder().setDispatchBatch(batch).build());
    batch = null;
  }
}
