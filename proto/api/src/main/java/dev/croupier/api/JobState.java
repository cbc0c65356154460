package dev.croupier.api;

/** Where a job is in its life. */
public enum JobState {
  /** Ready to run now, waiting for a claim. */
  QUEUED,
  /** Waiting for its run-at time (delayed at enqueue). */
  DELAYED,
  /** Leased to a worker. */
  RUNNING,
  /** Finished; kept as a status record for the retention window. */
  SUCCEEDED,
  /** An attempt failed; a retry is scheduled. */
  FAILED,
  /** Out of attempts or failed for good: in the tenant's dead-letter queue. */
  DEAD,
  /** Cancelled before it finished. */
  CANCELLED;

  /** Whether the job will not run again unless replayed. */
  public boolean isFinal() {
    return this == SUCCEEDED || this == DEAD || this == CANCELLED;
  }
}
