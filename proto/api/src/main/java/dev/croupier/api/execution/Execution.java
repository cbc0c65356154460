package dev.croupier.api.execution;

import dev.croupier.api.JobContext;
import dev.croupier.api.LeasedJob;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery being run by a {@link JobExecutor}: what the handler sees, plus its bookkeeping. */
public final class Execution implements JobContext {

  private final LeasedJob job;
  private final Duration leaseTimeout;
  private final JobExecutor executor;
  /** Set once: by the completion, or by the shutdown that hands the job back. */
  final AtomicBoolean settled = new AtomicBoolean();
  volatile Future<?> future;
  volatile Future<?> heartbeats;
  volatile Instant deadline;
  volatile boolean lost;
  volatile boolean heartbeating;

  Execution(LeasedJob job, Duration leaseTimeout, JobExecutor executor) {
    this.job = job;
    this.leaseTimeout = leaseTimeout;
    this.executor = executor;
    this.deadline = job.deadline();
  }

  /** The leased job. */
  public LeasedJob job() {
    return job;
  }

  /** How far each heartbeat extends the lease. */
  public Duration leaseTimeout() {
    return leaseTimeout;
  }

  /** Whether the engine said the lease is gone (the job will be redelivered). */
  public boolean lost() {
    return lost;
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
  public Map<String, String> headers() {
    return job.headers();
  }

  @Override
  public Instant leaseDeadline() {
    return deadline;
  }

  @Override
  public boolean heartbeat() {
    return executor.heartbeatNow(this);
  }
}
