package dev.croupier.api.execution;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.JobHandler;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryLaterException;
import dev.croupier.api.tracing.JobTracing;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs jobs, the same way for embedded and remote workers: invokes the handler on its own thread,
 * turns its return or exception into one {@link Outcome}, measures its cost, heartbeats its lease
 * every third of the lease timeout, and settles it exactly once through the {@link LeaseKeeper}.
 * A handler's exception never breaks the runner: it is logged at WARN (with tenant, function and
 * job id in the MDC) and counted.
 */
public final class JobExecutor {

  private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
  /** Shortest gap between two heartbeats of one job. */
  static final long MIN_HEARTBEAT_MS = 50;

  private final LeaseKeeper keeper;
  private final InstantSource clock;
  private final ScheduledExecutorService timer;
  private final ExecutorService handlers;
  private final Duration heartbeatReplyTimeout;
  private final JobTracing tracing;
  private final LongAdder handlerErrors = new LongAdder();

  /**
   * An executor settling leases through {@code keeper}; handlers run on {@code handlers} (one
   * virtual thread each, typically), heartbeats are timed on {@code timer} (best one of
   * {@link #newTimer}), and a handler's explicit heartbeat waits at most
   * {@code heartbeatReplyTimeout} for the engine's answer.
   */
  public JobExecutor(LeaseKeeper keeper, InstantSource clock, ScheduledExecutorService timer,
      ExecutorService handlers, Duration heartbeatReplyTimeout) {
    this(keeper, clock, timer, handlers, heartbeatReplyTimeout, JobTracing.none());
  }

  /** As above; each run is traced through {@code tracing}. */
  public JobExecutor(LeaseKeeper keeper, InstantSource clock, ScheduledExecutorService timer,
      ExecutorService handlers, Duration heartbeatReplyTimeout, JobTracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    this.keeper = Objects.requireNonNull(keeper, "keeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.handlers = Objects.requireNonNull(handlers, "handlers");
    this.heartbeatReplyTimeout = Objects.requireNonNull(heartbeatReplyTimeout, "heartbeatReplyTimeout");
  }

  /**
   * A timer fit for the heartbeats of an executor: {@code threads} threads from {@code factory},
   * and a cancelled task leaves its queue at once. Every job schedules a heartbeat and cancels it
   * when it ends, most long before the first beat; a plain scheduled pool keeps a cancelled task
   * queued until its time comes, so every ended job would stay in its heap for a third of a lease
   * and wake a timer thread once more then (at 14,000 jobs/s and a 30 s lease, 140,000 dead
   * tasks and 14,000 wake-ups a second).
   */
  public static ScheduledExecutorService newTimer(int threads, ThreadFactory factory) {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(threads, factory);
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Handler exceptions seen (each became a retry or a dead letter). */
  public long handlerErrors() {
    return handlerErrors.sum();
  }

  /**
   * A delivery of {@code job} ready to {@link #start}: register it wherever the runner tracks its
   * running jobs first, so a job that ends at once is never tracked after it ended.
   */
  public Execution prepare(LeasedJob job, Duration leaseTimeout) {
    return new Execution(job, leaseTimeout, this);
  }

  /**
   * Runs {@code e} under {@code handler}; {@code finished} runs once it is settled (by the
   * handler's end, not by {@link #handBack}) and the keeper's {@code complete} stage is done,
   * on whichever thread completed that stage. Returns false, calling nothing, when the executors
   * are shut down: the job then comes back after its lease.
   */
  public boolean start(Execution e, JobHandler handler, Consumer<Execution> finished) {
    long period = Math.max(MIN_HEARTBEAT_MS, e.leaseTimeout().toMillis() / 3);
    try {
      e.heartbeats = timer.scheduleAtFixedRate(() -> tick(e), period, period, TimeUnit.MILLISECONDS);
      e.future = handlers.submit(() -> run(e, handler, finished));
      return true;
    } catch (RejectedExecutionException ex) {
      stopHeartbeats(e);
      log.debug("runner closed; job {} comes back after its lease expires", e.id());
      return false;
    }
  }

  private void run(Execution e, JobHandler handler, Consumer<Execution> finished) {
    JobTracing.Run trace = tracing.run(e.job(), clock.instant());
    long start = System.nanoTime();
    Outcome outcome;
    Throwable error = null;
    try (JobTracing.Scope scope = trace.makeCurrent()) {
      handler.handle(e);
      outcome = new Outcome.Success(elapsed(start));
    } catch (RetryLaterException ex) {
      outcome = new Outcome.Retry(ex.retryAfter(), ex.getMessage(), elapsed(start));
    } catch (PermanentFailureException ex) {
      outcome = new Outcome.Fail(ex.getMessage(), elapsed(start));
      error = ex;
    } catch (InterruptedException ex) {
      // The runner is stopping (abort, or a hand-back at shutdown): not the handler's failure.
      log.debug("job {} of {} interrupted", e.id(), e.function());
      outcome = new Outcome.Retry(null, ex.toString(), elapsed(start));
    } catch (Throwable ex) {
      outcome = new Outcome.Retry(null, ex.toString(), elapsed(start));
      error = ex;
      handlerFailed(e, ex);
    }
    trace.end(outcome, error);
    stopHeartbeats(e);
    if (e.settled.compareAndSet(false, true)) {
      // The handler's thread ends here: the runner counts the job finished when the keeper says
      // its slot is free, without a thread parked until then.
      keeper.complete(e.job(), outcome).whenComplete((ignored, err) -> finished.accept(e));
    }
  }

  private void handlerFailed(Execution e, Throwable ex) {
    handlerErrors.increment();
    LeasedJob job = e.job();
    try (MDC.MDCCloseable t = MDC.putCloseable("tenant", job.tenant());
         MDC.MDCCloseable f = MDC.putCloseable("function", job.function());
         MDC.MDCCloseable j = MDC.putCloseable("job", job.id())) {
      log.warn("handler of {} failed on job {} of tenant {} (attempt {} of {}); it will be retried",
          job.function(), job.id(), job.tenant(), job.attempt(), job.maxAttempts(), ex);
    }
  }

  /**
   * Settles a job that has not ended (a runner shutting down) as a retry without delay, so it
   * runs again at once elsewhere, and interrupts its handler. False when it had already ended.
   */
  public boolean handBack(Execution e, String why) {
    if (!e.settled.compareAndSet(false, true)) {
      return false;
    }
    stopHeartbeats(e);
    keeper.complete(e.job(), new Outcome.Retry(Duration.ZERO, why, Duration.ZERO));
    var f = e.future;
    if (f != null) {
      f.cancel(true);
    }
    return true;
  }

  /** The periodic heartbeat: one at a time per job, fire and forget. */
  private void tick(Execution e) {
    if (e.lost || e.settled.get() || e.heartbeating) {
      return;
    }
    e.heartbeating = true;
    extend(e).whenComplete((ok, err) -> {
      e.heartbeating = false;
      if (err != null) {
        log.debug("heartbeat of job {} failed; retrying next tick", e.id(), err);
      }
    });
  }

  /** A handler's explicit heartbeat: waits for the answer; false if the lease is lost. */
  boolean heartbeatNow(Execution e) {
    if (e.lost) {
      return false;
    }
    try {
      return extend(e).get(heartbeatReplyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception ex) {
      return false;
    }
  }

  private CompletableFuture<Boolean> extend(Execution e) {
    long sentAt = clock.millis();
    CompletableFuture<CompletionResult> reply;
    try {
      reply = keeper.extend(e.job());
    } catch (RuntimeException ex) {
      return CompletableFuture.failedFuture(ex);
    }
    return reply.thenApply(r -> {
      if (r == CompletionResult.ACCEPTED) {
        e.deadline = Instant.ofEpochMilli(sentAt + e.leaseTimeout().toMillis());
        return true;
      }
      if (!e.lost) {
        e.lost = true;
        stopHeartbeats(e);
        log.warn("lease of job {} attempt {} was lost ({}); it will be redelivered", e.id(),
            e.attempt(), r);
      }
      return false;
    });
  }

  private static void stopHeartbeats(Execution e) {
    var hb = e.heartbeats;
    if (hb != null) {
      hb.cancel(false);
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
