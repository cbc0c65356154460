package dev.croupier.worker;

import java.util.Objects;

/**
 * A job the node accepted.
 *
 * @param jobId its id (the first job's, when this was a duplicate)
 * @param duplicate whether an enqueue with the same idempotency key was accepted before
 */
public record Enqueued(String jobId, boolean duplicate) {

  /** Checks the id. */
  public Enqueued {
    Objects.requireNonNull(jobId, "jobId");
  }
}
