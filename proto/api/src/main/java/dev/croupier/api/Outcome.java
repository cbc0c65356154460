package dev.croupier.api;

import java.time.Duration;
import java.util.Objects;

/** How a delivery ended, as a worker reports it. */
public sealed interface Outcome {

  /** The job succeeded; {@code cost} (execution time) counts toward the tenant's fair share. */
  record Success(Duration cost) implements Outcome {
    /** Checks the cost. */
    public Success {
      Objects.requireNonNull(cost, "cost");
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
      cost = cost == null ? Duration.ZERO : cost;
    }
  }

  /** The job failed for good: it goes to the dead-letter queue now. */
  record Fail(String error, Duration cost) implements Outcome {
    /** Checks the fields. */
    public Fail {
      error = error == null ? "" : error;
      cost = cost == null ? Duration.ZERO : cost;
    }
  }
}
