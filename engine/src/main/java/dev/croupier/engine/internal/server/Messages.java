package dev.croupier.engine.internal.server;

import com.google.protobuf.ByteString;
import dev.croupier.engine.CompletionResult;
import dev.croupier.engine.EnqueueOptions;
import dev.croupier.engine.EnqueueRequest;
import dev.croupier.engine.JobInfo;
import dev.croupier.engine.LeasedJob;
import dev.croupier.engine.Outcome;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.JobState;
import dev.croupier.proto.v1.JobStatus;
import dev.croupier.proto.v1.LeaseResult;
import java.time.Duration;
import java.time.Instant;

/** Maps between the engine's records and the generated protobuf messages, at the edge only. */
final class Messages {

  private Messages() {}

  static Dispatch dispatch(LeasedJob job, Duration leaseTimeout) {
    return Dispatch.newBuilder()
        .setJobId(job.id())
        .setTenant(job.tenant())
        .setFunction(job.function())
        .setPayload(ByteString.copyFrom(job.payload()))
        .setAttempt(job.attempt())
        .setMaxAttempts(job.maxAttempts())
        .setDeadlineMs(millis(job.deadline()))
        .putAllConcurrencyKeys(job.concurrencyKeys())
        .setEnqueuedAtMs(millis(job.enqueuedAt()))
        .setLeaseTimeoutMs(leaseTimeout.toMillis())
        .build();
  }

  static JobStatus status(JobInfo info) {
    JobStatus.Builder b = JobStatus.newBuilder()
        .setJobId(info.id())
        .setState(state(info.state()))
        .setAttempts(info.attempts())
        .setMaxAttempts(info.maxAttempts())
        .setRunAtMs(millis(info.runAt()))
        .setEnqueuedAtMs(millis(info.enqueuedAt()))
        .setFinishedAtMs(millis(info.finishedAt()));
    if (info.tenant() != null) {
      b.setTenant(info.tenant());
    }
    if (info.function() != null) {
      b.setFunction(info.function());
    }
    if (info.lastError() != null) {
      b.setLastError(info.lastError());
    }
    return b.build();
  }

  /** The engine request for a wire item; throws IllegalArgumentException on bad options. */
  static EnqueueRequest request(EnqueueItem item) {
    EnqueueOptions.Builder o = EnqueueOptions.newBuilder()
        .delay(Duration.ofMillis(item.getDelayMs()))
        .priority(Duration.ofMillis(item.getPriorityMs()))
        .maxAttempts(item.getMaxAttempts());
    if (item.getRunAtMs() > 0) {
      o.runAt(Instant.ofEpochMilli(item.getRunAtMs()));
    }
    if (!item.getIdempotencyKey().isEmpty()) {
      o.idempotencyKey(item.getIdempotencyKey());
    }
    item.getConcurrencyKeysMap().forEach(o::concurrencyKey);
    return new EnqueueRequest(item.getTenant(), item.getFunction(), item.getPayload().toByteArray(),
        o.build());
  }

  /** The engine outcome of a Complete; throws IllegalArgumentException when it names none. */
  static Outcome outcome(Complete c) {
    Duration cost = Duration.ofMillis(c.getCostMs());
    return switch (c.getOutcomeCase()) {
      case SUCCESS -> new Outcome.Success(cost);
      case RETRY -> new Outcome.Retry(
          c.getRetry().getHasRetryAfter() ? Duration.ofMillis(c.getRetry().getRetryAfterMs()) : null,
          c.getRetry().getError(), cost);
      case FAIL -> new Outcome.Fail(c.getFail().getError(), cost);
      case OUTCOME_NOT_SET -> throw new IllegalArgumentException(
          "Complete for job " + c.getJobId() + " names no outcome (success, retry or fail)");
    };
  }

  static LeaseResult result(CompletionResult r) {
    return switch (r) {
      case ACCEPTED -> LeaseResult.ACCEPTED;
      case STALE -> LeaseResult.STALE;
      case UNKNOWN_JOB -> LeaseResult.UNKNOWN_JOB;
    };
  }

  private static JobState state(dev.croupier.engine.JobState s) {
    return switch (s) {
      case QUEUED -> JobState.QUEUED;
      case DELAYED -> JobState.DELAYED;
      case RUNNING -> JobState.RUNNING;
      case SUCCEEDED -> JobState.SUCCEEDED;
      case FAILED -> JobState.FAILED;
      case DEAD -> JobState.DEAD;
      case CANCELLED -> JobState.CANCELLED;
    };
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }
}
