package dev.croupier.protocol;

import com.google.protobuf.ByteString;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.EnqueuedJob;
import dev.croupier.proto.v1.Fail;
import dev.croupier.proto.v1.JobStatus;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.proto.v1.Retry;
import dev.croupier.proto.v1.Success;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Maps the API's value types to and from their protobuf form, both ways, for the node and the
 * clients alike: generated classes stay at the edges.
 */
public final class JobMessages {

  private JobMessages() {}

  // ---- enqueue ----

  /** The wire form of a job to enqueue. */
  public static EnqueueItem item(JobRequest r) {
    EnqueueOptions o = r.options();
    EnqueueItem.Builder b = EnqueueItem.newBuilder()
        .setTenant(r.tenant())
        .setFunction(r.function())
        .setPayload(ByteString.copyFrom(r.payload()))
        .setDelayMs(o.delay().toMillis())
        .setPriorityMs(o.priority().toMillis())
        .putAllConcurrencyKeys(o.concurrencyKeys())
        .setMaxAttempts(o.maxAttempts())
        .putAllHeaders(o.headers())
        .setWatched(o.watched());
    if (o.runAt() != null) {
      b.setRunAtMs(Math.max(1, o.runAt().toEpochMilli()));
    }
    if (o.idempotencyKey() != null) {
      b.setIdempotencyKey(o.idempotencyKey());
    }
    if (o.idempotencyWindow() != null) {
      b.setIdempotencyWindowMs(o.idempotencyWindow().toMillis());
    }
    return b.build();
  }

  /**
   * The request a wire item names; throws {@link IllegalArgumentException} (or its subclass
   * {@link dev.croupier.api.InvalidRequestException}) on bad names or options.
   */
  public static JobRequest request(EnqueueItem item) {
    EnqueueOptions.Builder o = EnqueueOptions.newBuilder()
        .delay(Duration.ofMillis(unsignedMillis("delay_ms", item.getDelayMs(),
            EnqueueOptions.MAX_DELAY.toMillis())))
        .priority(Duration.ofMillis(unsignedMillis("priority_ms", item.getPriorityMs(),
            EnqueueOptions.MAX_PRIORITY.toMillis())))
        .maxAttempts(item.getMaxAttempts())
        .watched(item.getWatched());
    if (item.getRunAtMs() != 0) {
      o.runAt(Instant.ofEpochMilli(unsignedMillis("run_at_ms", item.getRunAtMs(),
          EnqueueOptions.MAX_RUN_AT.toEpochMilli())));
    }
    if (!item.getIdempotencyKey().isEmpty()) {
      o.idempotencyKey(item.getIdempotencyKey());
    }
    if (item.getIdempotencyWindowMs() != 0) {
      o.idempotencyWindow(Duration.ofMillis(unsignedMillis("idempotency_window_ms", item.getIdempotencyWindowMs(),
          EnqueueOptions.MAX_IDEMPOTENCY_WINDOW.toMillis())));
    }
    item.getConcurrencyKeysMap().forEach(o::concurrencyKey);
    o.headers(item.getHeadersMap());
    return new JobRequest(item.getTenant(), item.getFunction(), item.getPayload().toByteArray(),
        o.build());
  }

  /**
   * A uint64 time field as a long. Values of 2^63 and more arrive negative; they are far beyond
   * every accepted range, so they are refused here rather than read as a time in the past. The
   * ranges themselves are {@link EnqueueOptions}'s, checked when the options are built.
   */
  private static long unsignedMillis(String field, long raw, long max) {
    if (raw < 0) {
      throw new IllegalArgumentException(field + " must be between 0 and " + max + ": "
          + Long.toUnsignedString(raw));
    }
    return raw;
  }

  /** The wire form of an enqueue's result. */
  public static EnqueuedJob enqueued(EnqueueResult r) {
    return EnqueuedJob.newBuilder().setJobId(r.jobId()).setDuplicate(r.duplicate()).build();
  }

  /** The record form of an enqueue's result. */
  public static EnqueueResult enqueued(EnqueuedJob j) {
    return new EnqueueResult(j.getJobId(), j.getDuplicate());
  }

  // ---- dispatch and completion ----

  /** The wire form of a leased job; {@code leaseTimeout} is how far each heartbeat extends it. */
  public static Dispatch dispatch(LeasedJob job, Duration leaseTimeout) {
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
        .setLeaseToken(leaseToken(job.leaseToken()))
        .putAllHeaders(job.headers())
        .build();
  }

  /** The wire form of a lease token: its characters as bytes (it is ASCII). */
  public static ByteString leaseToken(String token) {
    return ByteString.copyFrom(token, StandardCharsets.ISO_8859_1);
  }

  /** A lease token as a peer sent it (any bytes; one that is not a node's will not match). */
  public static String leaseToken(ByteString token) {
    return token.toString(StandardCharsets.ISO_8859_1);
  }

  /** The record form of a dispatch. */
  public static LeasedJob leasedJob(Dispatch d) {
    return new LeasedJob(d.getJobId(), d.getTenant(), d.getFunction(), d.getPayload().toByteArray(),
        d.getAttempt(), d.getMaxAttempts(), d.getConcurrencyKeysMap(),
        Instant.ofEpochMilli(d.getDeadlineMs()), instant(d.getEnqueuedAtMs()), d.getHeadersMap(),
        leaseToken(d.getLeaseToken()));
  }

  /** The wire form of a lease to extend. */
  public static LeaseRef leaseRef(LeasedJob job) {
    return LeaseRef.newBuilder().setJobId(job.id()).setAttempt(job.attempt())
        .setLeaseToken(leaseToken(job.leaseToken())).build();
  }

  /** The wire form of how the delivery of {@code job} ended. */
  public static Complete complete(LeasedJob job, Outcome outcome) {
    Complete.Builder b = Complete.newBuilder().setJobId(job.id()).setAttempt(job.attempt())
        .setLeaseToken(leaseToken(job.leaseToken()));
    switch (outcome) {
      case Outcome.Success s -> b.setSuccess(Success.getDefaultInstance()).setCostMs(s.cost().toMillis());
      case Outcome.Retry r -> {
        Retry.Builder retry = Retry.newBuilder().setError(r.error());
        if (r.retryAfter() != null) {
          retry.setHasRetryAfter(true).setRetryAfterMs(r.retryAfter().toMillis());
        }
        b.setRetry(retry).setCostMs(r.cost().toMillis());
      }
      case Outcome.Fail f -> b.setFail(Fail.newBuilder().setError(f.error())).setCostMs(f.cost().toMillis());
    }
    return b.build();
  }

  /** The outcome a Complete reports; throws IllegalArgumentException when it names none. */
  public static Outcome outcome(Complete c) {
    Duration cost = Duration.ofMillis(unsignedMillis("cost_ms", c.getCostMs(),
        Outcome.MAX_DURATION.toMillis()));
    return switch (c.getOutcomeCase()) {
      case SUCCESS -> new Outcome.Success(cost);
      case RETRY -> new Outcome.Retry(
          c.getRetry().getHasRetryAfter()
              ? Duration.ofMillis(unsignedMillis("retry_after_ms", c.getRetry().getRetryAfterMs(),
                  Outcome.MAX_DURATION.toMillis()))
              : null,
          c.getRetry().getError(), cost);
      case FAIL -> new Outcome.Fail(c.getFail().getError(), cost);
      case OUTCOME_NOT_SET -> throw new IllegalArgumentException(
          "Complete for job " + c.getJobId() + " names no outcome (success, retry or fail)");
    };
  }

  /** The wire form of what the engine did with a completion or heartbeat. */
  public static LeaseResult result(CompletionResult r) {
    return switch (r) {
      case ACCEPTED -> LeaseResult.ACCEPTED;
      case STALE -> LeaseResult.STALE;
      case UNKNOWN_JOB -> LeaseResult.UNKNOWN_JOB;
    };
  }

  /** The record form of a lease result; anything but ACCEPTED or UNKNOWN_JOB reads as STALE. */
  public static CompletionResult result(LeaseResult r) {
    return switch (r) {
      case ACCEPTED -> CompletionResult.ACCEPTED;
      case UNKNOWN_JOB -> CompletionResult.UNKNOWN_JOB;
      default -> CompletionResult.STALE;
    };
  }

  // ---- status ----

  /** The wire form of a job's status. */
  public static JobStatus status(JobInfo info) {
    JobStatus.Builder b = JobStatus.newBuilder()
        .setJobId(info.id())
        .setState(state(info.state()))
        .setAttempts(info.attempts())
        .setMaxAttempts(info.maxAttempts())
        .setRunAtMs(millis(info.runAt()))
        .setEnqueuedAtMs(millis(info.enqueuedAt()))
        .setFinishedAtMs(millis(info.finishedAt()))
        .putAllConcurrencyKeys(info.concurrencyKeys())
        .putAllHeaders(info.headers());
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

  /**
   * The record form of a status a node sent; throws {@link IllegalArgumentException} for a state
   * this client does not know (a newer node's).
   */
  public static JobInfo info(JobStatus s) {
    return new JobInfo(s.getJobId(), emptyToNull(s.getTenant()), emptyToNull(s.getFunction()),
        state(s.getState()), s.getAttempts(), s.getMaxAttempts(), emptyToNull(s.getLastError()),
        instant(s.getRunAtMs()), instant(s.getEnqueuedAtMs()), instant(s.getFinishedAtMs()),
        s.getConcurrencyKeysMap(), s.getHeadersMap());
  }

  private static dev.croupier.proto.v1.JobState state(JobState s) {
    return dev.croupier.proto.v1.JobState.valueOf(s.name());
  }

  private static JobState state(dev.croupier.proto.v1.JobState s) {
    return switch (s) {
      case QUEUED -> JobState.QUEUED;
      case DELAYED -> JobState.DELAYED;
      case RUNNING -> JobState.RUNNING;
      case SUCCEEDED -> JobState.SUCCEEDED;
      case FAILED -> JobState.FAILED;
      case DEAD -> JobState.DEAD;
      case CANCELLED -> JobState.CANCELLED;
      case JOB_STATE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException(
          "the node sent a job state this client does not know (" + s + "); upgrade the client");
    };
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static Instant instant(long ms) {
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }

  private static long millis(Instant t) {
    return t == null ? 0 : t.toEpochMilli();
  }
}
