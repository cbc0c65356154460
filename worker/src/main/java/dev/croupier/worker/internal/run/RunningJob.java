package dev.croupier.worker.internal.run;

import dev.croupier.api.JobContext;
import dev.croupier.proto.v1.Dispatch;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery being run: what the handler sees, plus the runtime's bookkeeping. */
final class RunningJob implements JobContext {

  private final Dispatch dispatch;
  private final byte[] payload;
  private final WorkerRuntime runtime;
  final Registration registration;
  /** Set once: by the completion or by the shutdown that hands the job back. */
  final AtomicBoolean settled = new AtomicBoolean();
  volatile Future<?> future;
  volatile Future<?> heartbeats;
  volatile Instant deadline;
  volatile boolean lost;

  RunningJob(Dispatch dispatch, Registration registration, WorkerRuntime runtime) {
    this.dispatch = dispatch;
    this.payload = dispatch.getPayload().toByteArray();
    this.registration = registration;
    this.runtime = runtime;
    this.deadline = Instant.ofEpochMilli(dispatch.getDeadlineMs());
  }

  @Override
  public String id() {
    return dispatch.getJobId();
  }

  @Override
  public String tenant() {
    return dispatch.getTenant();
  }

  @Override
  public String function() {
    return dispatch.getFunction();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public int attempt() {
    return dispatch.getAttempt();
  }

  @Override
  public int maxAttempts() {
    return dispatch.getMaxAttempts();
  }

  @Override
  public Map<String, String> concurrencyKeys() {
    return dispatch.getConcurrencyKeysMap();
  }

  @Override
  public Instant leaseDeadline() {
    return deadline;
  }

  @Override
  public boolean heartbeat() {
    return runtime.heartbeatNow(this);
  }

  /** How far each heartbeat extends the lease, in ms. */
  long leaseTimeoutMs() {
    long ms = dispatch.getLeaseTimeoutMs();
    return ms > 0 ? ms : registration.spec.leaseTimeout().toMillis();
  }
}
