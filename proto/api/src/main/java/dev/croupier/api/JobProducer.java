package dev.croupier.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Enqueues jobs and follows them. The embedded engine and the remote client both implement it
 * with the same records, so code written against it moves between them unchanged.
 */
public interface JobProducer {

  /** Enqueues one job; throws {@link InvalidRequestException} on bad input. */
  EnqueueResult enqueue(JobRequest request);

  /** Enqueues a job due now with the given payload. */
  default EnqueueResult enqueue(String tenant, String function, byte[] payload) {
    return enqueue(JobRequest.of(tenant, function, payload));
  }

  /** Enqueues a job with the given payload and options. */
  default EnqueueResult enqueue(String tenant, String function, byte[] payload,
      EnqueueOptions options) {
    return enqueue(new JobRequest(tenant, function, payload, options));
  }

  /** Enqueues many jobs in one round trip, all or nothing; results are in request order. */
  List<EnqueueResult> enqueueBatch(List<JobRequest> requests);

  /** Cancels a job that has not finished; false when it is unknown or already final. */
  boolean cancel(String jobId);

  /** Looks a job up by id (finished jobs stay visible for the status retention window). */
  Optional<JobInfo> lookup(String jobId);

  /**
   * Completes with the job's info once it is final (succeeded, dead or cancelled); completes
   * exceptionally when {@code timeout} passes first or the job is unknown. The future may complete
   * on a thread that completes other awaits too: chain blocking work with the {@code *Async}
   * methods.
   */
  CompletableFuture<JobInfo> awaitCompletion(String jobId, Duration timeout);

  /**
   * Blocks until the job is final and returns its info; throws what {@link #awaitCompletion}
   * completes with, unwrapped (a {@link CroupierException} when the timeout passes first, unless
   * the implementation has a more specific one).
   */
  default JobInfo await(String jobId, Duration timeout) {
    try {
      return awaitCompletion(jobId, timeout).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CroupierException("interrupted while waiting for job " + jobId, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof TimeoutException) {
        throw new CroupierException("job " + jobId + " did not finish within " + timeout, cause);
      }
      throw new CroupierException("waiting for job " + jobId + " failed: " + cause, cause);
    }
  }
}
