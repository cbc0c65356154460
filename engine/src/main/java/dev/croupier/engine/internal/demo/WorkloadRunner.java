package dev.croupier.engine.internal.demo;

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
 */
final class WorkloadRunner {

  private static final Logger log = LoggerFactory.getLogger(WorkloadRunner.class);

  /** How often the runner checks whether the run is over. */
  private static final long POLL_MILLIS = 10;

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
      boolean finished = enqueueAll(queue, tally, deadline);
      while (nanoTime.getAsLong() < deadline && !(finished && tally.drained())) {
        pause(POLL_MILLIS);
      }
      RunReport report = tally.report(queue.name(), finished);
      queue.stopWorkers();
      return report;
    }
  }

  /** Enqueues the whole workload; returns false if the budget ran out first. */
  private boolean enqueueAll(DemoQueue queue, RunTally tally, long deadline) {
    long bigStart = nanoTime.getAsLong();
    for (int from = 0; from < options.big(); from += options.chunk()) {
      if (nanoTime.getAsLong() >= deadline) {
        return false;
      }
      int n = Math.min(options.chunk(), options.big() - from);
      enqueue(queue, tally, DemoOptions.BIG_TENANT, n);
    }
    tally.bigEnqueueTook(nanoTime.getAsLong() - bigStart);
    pause(options.smallDelay().toMillis());
    for (String tenant : DemoOptions.SMALL_TENANTS) {
      if (nanoTime.getAsLong() >= deadline) {
        return false;
      }
      for (int from = 0; from < options.small(); from += options.chunk()) {
        enqueue(queue, tally, tenant, Math.min(options.chunk(), options.small() - from));
      }
    }
    return true;
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
