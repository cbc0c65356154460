package dev.croupier.api;

import java.util.Objects;

/**
 * The outcome of one enqueue.
 *
 * @param jobId the job's id (the first job's, when this was a duplicate)
 * @param duplicate whether an enqueue with the same idempotency key was already accepted
 */
public record EnqueueResult(String jobId, boolean duplicate) {

  /** Checks the id. */
  public EnqueueResult {
    Objects.requireNonNull(jobId, "jobId");
  }
}
