package dev.croupier.api;

import java.time.Duration;
import java.util.Objects;

/** How a delivery ended, as a worker reports it. */
public sealed interface Outcome {

  /** Longest retry delay and largest cost accepted (100 years of 365 days, as a job's delay). */
  Duration MAX_DURATION = EnqueueOptions.MAX_DELAY;

  /** The job succeeded; {@code cost} (execution time) counts toward the tenant's fair share. */
  record Success(Duration cost) implements Outcome {
    /** Checks the cost. */
    public Success {
      Objects.requireNonNull(cost, "cost");
      checkRange("cost (cost_ms)", cost);
    }
  }

  /**
   * The attempt failed and may be retried: after {@code retryAfter} when given, else after the
   * function's backoff. Past max attempts the job is dead.
   */
  record Retry(Duration retryAfter, String error, Duration cost) implements Outcome {
    /** Checks the fields; retryAfter may be null. */
    public Retry {
      error = error == null ? "" : error;
      cost = checkRange("cost (cost_ms)", cost == null ? Duration.ZERO : cost);
      if (retryAfter != null) {
        checkRange("retryAfter (retry_after_ms)", retryAfter);
      }
    }
  }

  /** The job failed for good: it goes to the dead-letter queue now. */
  record Fail(String error, Duration cost) implements Outcome {
    /** Checks the fields. */
    public Fail {
      error = error == null ? "" : error;
      cost = checkRange("cost (cost_ms)", cost == null ? Duration.ZERO : cost);
    }
  }

  /** Throws unless {@code 0 <= d <= MAX_DURATION}: a time past it would overflow when added to now. */
  private static Duration checkRange(String name, Duration d) {
    if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(name + " must be between 0 and " + MAX_DURATION.toMillis()
          + " ms: " + d);
    }
    return d;
  }
}
