package dev.croupier.api.tracing;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import java.time.Instant;
import java.util.List;

/** {@link JobTracing#none()}: every call is free and changes nothing. */
enum NoTracing implements JobTracing, JobTracing.Run, JobTracing.Scope {
  INSTANCE;

  @Override
  public Enqueue enqueue(List<JobRequest> requests) {
    return new Untraced(requests);
  }

  @Override
  public Run run(LeasedJob job, Instant startedAt) {
    return this;
  }

  @Override
  public Scope makeCurrent() {
    return this;
  }

  @Override
  public void end(Outcome outcome, Throwable error) {}

  @Override
  public void close() {}

  /** An enqueue that writes its requests as they are. */
  record Untraced(List<JobRequest> requests) implements Enqueue {
    @Override
    public Scope makeCurrent() {
      return INSTANCE;
    }

    @Override
    public void end(List<EnqueueResult> results, Throwable error) {}
  }
}
