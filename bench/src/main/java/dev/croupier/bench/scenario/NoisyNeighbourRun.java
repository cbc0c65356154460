package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.metrics.RunTally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a noisy-neighbour workload through one contender: starts its workers (before or after the
 * big tenant's backlog, as the workload says), enqueues the backlog, lets the late tenants arrive,
 * then waits until every job is done or the run's time is up, and freezes the tally then.
 *
 * <p>The run's time counts from the workers' start. When the workers start first, the big
 * tenant's enqueue stops when that time is up; the late tenants always enqueue, and the run goes
 * on for at least {@link #MIN_WATCH} after the last of them did: their first starts are what the
 * scenario is about, so a slow enqueue of the backlog must not hide them.
 */
final class NoisyNeighbourRun {

  /** The least time a run goes on after the last late tenant enqueued. */
  static final Duration MIN_WATCH = Duration.ofSeconds(2);
  /** How often the run checks whether it is over. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final Logger log = LoggerFactory.getLogger(NoisyNeighbourRun.class);

  private final NoisyNeighbourOptions workload;
  private final Duration duration;
  private final int slots;

  /** Runs of {@code workload} lasting {@code duration} on {@code slots} worker slots. */
  NoisyNeighbourRun(NoisyNeighbourOptions workload, Duration duration, int slots) {
    this.workload = Objects.requireNonNull(workload, "workload");
    this.duration = Objects.requireNonNull(duration, "duration");
    this.slots = slots;
  }

  /**
   * Runs the workload through {@code contender} and returns its frozen tally; {@code watch} gets
   * the live tally before anything is enqueued, {@code workersStarting} runs just before the
   * workers start (where a measured span begins).
   */
  RunTally run(Contender contender, Consumer<RunTally> watch, Runnable workersStarting) {
    RunTally tally = new RunTally(workload.bigTenant(), workload.lateTenants(), System::nanoTime);
    watch.accept(tally);
    long deadline = Long.MAX_VALUE;
    if (!workload.preload()) {
      workersStarting.run();
      deadline = startWorkers(contender, tally);
    }
    boolean complete = enqueueBacklog(contender, tally, deadline);
    if (workload.preload()) {
      workersStarting.run();
      deadline = startWorkers(contender, tally);
    }
    enqueueLate(contender, tally);
    long end = Math.max(deadline, System.nanoTime() + MIN_WATCH.toNanos());
    while (System.nanoTime() < end && !(complete && tally.drained())
        && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(POLL_NANOS);
    }
    tally.freeze(complete);
    return tally;
  }

  /** Starts the workers; returns when the run's time is up. */
  private long startWorkers(Contender contender, RunTally tally) {
    tally.workersStarted();
    long deadline = tally.now() + duration.toNanos();
    contender.start(slots, job -> {
      tally.started(job.tenant(), job.enqueuedNanos());
      if (Trace.work(job)) {
        tally.done(job.tenant());
      }
    });
    return deadline;
  }

  /** Enqueues the big tenant's backlog; false if the run's time was up first. */
  private boolean enqueueBacklog(Contender contender, RunTally tally, long deadline) {
    long began = System.nanoTime();
    for (long from = 0; from < workload.backlog(); from += workload.batch()) {
      if (System.nanoTime() >= deadline) {
        log.warn("{}: the run's time was up while {} enqueued ({} of {} jobs)", contender.name(),
            workload.bigTenant(), from, workload.backlog());
        return false;
      }
      int n = (int) Math.min(workload.batch(), workload.backlog() - from);
      enqueue(contender, tally, 0, workload.bigTenant(), from, n);
    }
    tally.bigEnqueueTook(System.nanoTime() - began);
    return true;
  }

  /** Lets each late tenant arrive at its time, counted from now, and enqueue its burst. */
  private void enqueueLate(Contender contender, RunTally tally) {
    long queued = System.nanoTime();
    Duration[] arrivals = workload.arrivals();
    long seq = workload.backlog();
    for (int t = 0; t < arrivals.length; t++) {
      Pacing.sleepUntil(queued + arrivals[t].toNanos());
      String tenant = workload.lateTenants().get(t);
      for (int from = 0; from < workload.burst(); from += workload.batch()) {
        int n = Math.min(workload.batch(), workload.burst() - from);
        enqueue(contender, tally, t + 1, tenant, seq, n);
        seq += n;
      }
    }
  }

  private void enqueue(Contender contender, RunTally tally, int index, String tenant, long seq, int n) {
    long now = System.nanoTime();
    long costMicros = workload.jobCost().toNanos() / 1000;
    List<Job> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new Job(index, tenant, "", seq + i, costMicros, now));
    }
    // Counted before the call goes out, so a job can never start before it is counted.
    tally.submitted(tenant, n, now);
    contender.enqueue(jobs);
  }
}
