package dev.croupier.engine.internal.embedded;

import dev.croupier.api.JobContext;
import dev.croupier.engine.LeasedJob;
import java.time.Instant;
import java.util.Map;

/** The {@link JobContext} of a job run in this process. */
final class EmbeddedJobContext implements JobContext {

  private final LeasedJob job;
  private final EmbeddedRunner.Running running;
  private final EmbeddedRunner runner;

  EmbeddedJobContext(LeasedJob job, EmbeddedRunner.Running running, EmbeddedRunner runner) {
    this.job = job;
    this.running = running;
    this.runner = runner;
  }

  @Override
  public String id() {
    return job.id();
  }

  @Override
  public String tenant() {
    return job.tenant();
  }

  @Override
  public String function() {
    return job.function();
  }

  @Override
  public byte[] payload() {
    return job.payload().clone();
  }

  @Override
  public int attempt() {
    return job.attempt();
  }

  @Override
  public int maxAttempts() {
    return job.maxAttempts();
  }

  @Override
  public Map<String, String> concurrencyKeys() {
    return job.concurrencyKeys();
  }

  @Override
  public Instant leaseDeadline() {
    return running.deadline;
  }

  @Override
  public boolean heartbeat() {
    return runner.extend(running);
  }
}
