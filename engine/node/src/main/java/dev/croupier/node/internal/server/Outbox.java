package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.DispatchBatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.WriteQueue;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Objects;

/**
 * What one connection is about to be sent, written through a {@link WriteQueue} (one event-loop
 * task and one flush for everything that piled up). Dispatches that sit next to each other in the
 * queue go as one {@code DispatchBatch} to a peer that accepts them
 * ({@code Hello.accepts_dispatch_batch}), each as a plain {@code Dispatch} to others. Frames are
 * written in the order they were queued; once the connection is closing, what is still queued is
 * dropped, so the closing Error stays the last frame.
 */
final class Outbox implements WriteQueue.Writer<Object> {

  /** Bytes of a batch entry beyond its message: its field tag and length prefix. */
  private static final int ENTRY_OVERHEAD = 6;

  private final Channel channel;
  private final boolean batches;
  private final WriteQueue<Object> queue;
  /** The DispatchBatch being built, and its bytes; touched by the draining task only. */
  private DispatchBatch.Builder batch;
  private int batchBytes;

  /** An outbox writing to {@code channel}; {@code batches}: the peer takes DispatchBatch. */
  Outbox(Channel channel, boolean batches) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.batches = batches;
    this.queue = new WriteQueue<>(channel, this);
  }

  /** Queues a frame. */
  void send(Envelope frame) {
    queue.add(frame);
  }

  /**
   * Queues jobs for the peer (a claim's share for this connection): written by one task, in one
   * DispatchBatch where the peer takes them and the limits allow.
   */
  void dispatch(List<Dispatch> jobs) {
    queue.add(jobs.size() == 1 ? jobs.get(0) : List.copyOf(jobs));
  }

  @Override
  public boolean open() {
    return !ProtocolErrorHandler.isClosing(channel) && channel.isActive();
  }

  @Override
  public int write(Object next) {
    if (next instanceof List<?> jobs) {
      jobs.forEach(this::writeOne);
      return jobs.size();
    }
    writeOne(next);
    return 1;
  }

  /** Writes the batch being built, if any: one job as a plain Dispatch, more as a DispatchBatch. */
  @Override
  public void finish() {
    if (batch == null) {
      return;
    }
    channel.write(batch.getDispatchesCount() == 1
        ? Envelope.newBuilder().setDispatch(batch.getDispatches(0)).build()
        : Envelope.newBuilder().setDispatchBatch(batch).build());
    batch = null;
  }

  /** Writes a frame, or adds a job to the batch being built. */
  private void writeOne(Object next) {
    if (!(next instanceof Dispatch job)) {
      finish();
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
      finish();
    }
    if (batch == null) {
      batch = DispatchBatch.newBuilder();
      batchBytes = 0;
    }
    batch.addDispatches(job);
    batchBytes += size;
  }
}
