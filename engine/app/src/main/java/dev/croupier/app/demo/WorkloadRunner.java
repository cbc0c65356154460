package dev.croupier.app.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the noisy-neighbour workload through one {@link DemoQueue}: starts its workers, enqueues
 * the big tenant's backlog in batches, waits {@link DemoOptions#smallDelay()}, enqueues the small
 * tenants, then waits until everything is done or the budget is spent, and freezes the counters
 * at that moment (jobs still in flight then are not counted as done).
 *
 * <p>The budget counts from the start of the run. The big tenant stops enqueueing when it runs
 * out, but the small tenants always enqueue, and the run watches them for at least
 * {@link #MIN_WATCH_NANOS} after that: the demo is about when their first jobs start, so a slow
 * enqueue of the backlog must not hide them.
 */
final class WorkloadRunner {

  private static final Logger log = LoggerFactory.getLogger(WorkloadRunner.class);

  /** How often the runner checks whether the run is over. */
  private static final long POLL_MILLIS = 10;
  /** The least time a run goes on after the small tenants enqueued. */
  static final long MIN_WATCH_NANOS = 2_000_000_000L;

  private final DemoOptions options;
  private final LongSupplier nanoTime;

  WorkloadRunner(DemoOptions options, LongSupplier nanoTime) {
    this.options = Objects.requireNonNull(options, "options");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Runs the workload through {@code queue} and closes it. {@code onStart} gets the live counters
   * (for the live table) before any job is enqueued.
   */
  RunReport run(DemoQueue queue, Consumer<RunTally> onStart) {
    RunTally tally = new RunTally(options, nanoTime);
    long deadline = nanoTime.getAsLong() + options.budget().toNanos();
    try (queue) {
      queue.start(tally);
      onStart.accept(tally);
      boolean bigComplete = enqueueBig(queue, tally, deadline);
      pause(options.smallDelay().toMillis());
      enqueueSmall(queue, tally);
      deadline = Math.max(deadline, nanoTime.getAsLong() + MIN_WATCH_NANOS);
      while (nanoTime.getAsLong() < deadline && !(bigComplete && tally.drained())) {
        pause(POLL_MILLIS);
      }
      RunReport report = tally.report(queue.name(), bigComplete);
      queue.stopWorkers();
      return report;
    }
  }

  /** Enqueues the big tenant's backlog; returns false if the budget ran out first. */
  private boolean enqueueBig(DemoQueue queue, RunTally tally, long deadline) {
    long start = nanoTime.getAsLong();
    for (int from = 0; from < options.big(); from += options.chunk()) {
      if (nanoTime.getAsLong() >= deadline) {
        log.warn("{}: the time budget ran out while {} enqueued ({} of {} jobs)", queue.name(),
            DemoOptions.BIG_TENANT, from, options.big());
        return false;
      }
      enqueue(queue, tally, DemoOptions.BIG_TENANT, Math.min(options.chunk(), options.big() - from));
    }
    tally.bigEnqueueTook(nanoTime.getAsLong() - start);
    return true;
  }

  private void enqueueSmall(DemoQueue queue, RunTally tally) {
    for (String tenant : DemoOptions.SMALL_TENANTS) {
      for (int from = 0; from < options.small(); from += options.chunk()) {
        enqueue(queue, tally, tenant, Math.min(options.chunk(), options.small() - from));
      }
    }
  }

  private void enqueue(DemoQueue queue, RunTally tally, String tenant, int n) {
    long now = nanoTime.getAsLong();
    List<DemoJob> jobs = new ArrayList<>(n);
    DemoJob job = new DemoJob(tenant, now);
    for (int i = 0; i < n; i++) {
      jobs.add(job);
    }
    // Counted before the call goes out, so a job can never start before it is counted.
    tally.submitted(tenant, n, now);
    queue.enqueue(tenant, jobs);
    log.debug("{}: enqueued {} jobs of tenant {} in {} ms", queue.name(), n, tenant,
        (nanoTime.getAsLong() - now) / 1_000_000);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("demo interrupted", e);
    }
  }
}
