package dev.croupier.worker;

import java.time.Instant;
import java.util.Objects;

/**
 * A job as a node reports it.
 *
 * @param id the job's id
 * @param tenant its tenant
 * @param function its function
 * @param state where it is now
 * @param attempts deliveries so far
 * @param maxAttempts deliveries allowed
 * @param lastError the last failure's message, or ""
 * @param enqueuedAt when it was enqueued, or null if unknown
 * @param finishedAt when it reached a final state, or null
 */
public record JobStatus(
    String id,
    String tenant,
    String function,
    State state,
    int attempts,
    int maxAttempts,
    String lastError,
    Instant enqueuedAt,
    Instant finishedAt) {

  /** Where a job is in its life. */
  public enum State {
    QUEUED, DELAYED, RUNNING, SUCCEEDED, FAILED, DEAD, CANCELLED, UNKNOWN;

    /** Whether the job will not run again unless replayed. */
    public boolean isFinal() {
      return this == SUCCEEDED || this == DEAD || this == CANCELLED;
    }
  }

  /** Checks the required fields. */
  public JobStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
  }
}
