package dev.croupier.worker.internal.wire;

import com.google.protobuf.ByteString;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.worker.JobRequest;
import dev.croupier.worker.JobStatus;
import java.time.Instant;

/** Maps the client's job records to and from their protobuf form. */
public final class JobMessages {

  private JobMessages() {}

  /** The wire form of a job to enqueue. */
  public static EnqueueItem item(JobRequest r) {
    EnqueueItem.Builder b = EnqueueItem.newBuilder()
        .setTenant(r.tenant())
        .setFunction(r.function())
        .setPayload(ByteString.copyFrom(r.payload()))
        .setDelayMs(r.delay().toMillis())
        .setPriorityMs(r.priority().toMillis())
        .putAllConcurrencyKeys(r.concurrencyKeys())
        .setMaxAttempts(r.maxAttempts());
    if (r.runAt() != null) {
      b.setRunAtMs(Math.max(1, r.runAt().toEpochMilli()));
    }
    if (r.idempotencyKey() != null) {
      b.setIdempotencyKey(r.idempotencyKey());
    }
    return b.build();
  }

  /** The record form of a status the node sent. */
  public static JobStatus status(dev.croupier.proto.v1.JobStatus s) {
    return new JobStatus(s.getJobId(), s.getTenant(), s.getFunction(), state(s.getState()),
        s.getAttempts(), s.getMaxAttempts(), s.getLastError(), instant(s.getEnqueuedAtMs()),
        instant(s.getFinishedAtMs()));
  }

  private static JobStatus.State state(dev.croupier.proto.v1.JobState s) {
    return switch (s) {
      case QUEUED -> JobStatus.State.QUEUED;
      case DELAYED -> JobStatus.State.DELAYED;
      case RUNNING -> JobStatus.State.RUNNING;
      case SUCCEEDED -> JobStatus.State.SUCCEEDED;
      case FAILED -> JobStatus.State.FAILED;
      case DEAD -> JobStatus.State.DEAD;
      case CANCELLED -> JobStatus.State.CANCELLED;
      default -> JobStatus.State.UNKNOWN;
    };
  }

  private static Instant instant(long ms) {
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }
}
