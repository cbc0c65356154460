package dev.croupier.node.internal.dashboard;

import dev.croupier.api.JobInfo;
import dev.croupier.engine.Engine;
import java.util.Objects;

/** {@code /api/jobs/ID}: a job and why it is where it is; {@code /api/jobs/ID/cancel}. */
final class JobsApi {

  private final Engine engine;

  JobsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The job with its explanation. */
  Object get(String jobId) {
    JobInfo info = engine.lookup(jobId).orElseThrow(() -> ApiException.notFound("no job "
        + Params.clip(jobId) + " (unknown, or finished longer ago than the status retention)"));
    return new JobView(Views.Job.of(info));
  }

  /** Cancels the job. */
  Views.Done cancel(String jobId) {
    boolean cancelled = engine.cancel(jobId);
    return new Views.Done(cancelled, cancelled ? "cancelled " + jobId
        : "not cancelled: " + jobId + " is unknown or already final");
  }

  record JobView(Views.Job job) {}
}
