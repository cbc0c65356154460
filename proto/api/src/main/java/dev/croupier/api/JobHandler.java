package dev.croupier.api;

/**
 * The code that runs one job. The same interface serves embedded handlers and remote workers.
 *
 * <p>Returning normally acknowledges the job. Throwing {@link RetryLaterException} retries it at
 * the time it names, {@link PermanentFailureException} sends it straight to the dead-letter queue,
 * and any other exception retries it with the function's backoff until its attempts run out.
 */
@FunctionalInterface
public interface JobHandler {

  /** Runs the job; see the type's documentation for how the outcome is decided. */
  void handle(JobContext job) throws Exception;
}
