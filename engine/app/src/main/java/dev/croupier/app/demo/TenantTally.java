package dev.croupier.app.demo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's live counters in one run. Thread-safe: producers, handlers and the live table touch
 * it at once.
 */
final class TenantTally {

  private static final long UNSET = Long.MIN_VALUE;

  private final String name;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong firstSubmitNanos = new AtomicLong(UNSET);
  private final AtomicLong firstStartNanos = new AtomicLong(UNSET);
  private volatile long bigQueuedAtFirstStart = -1;
  private final WaitSamples waits;

  TenantTally(String name, int expectedJobs) {
    this.name = name;
    this.waits = new WaitSamples(expectedJobs);
  }

  String name() {
    return name;
  }

  /** Counts {@code count} jobs as enqueued; called just before the enqueue call goes out. */
  void markSubmitted(int count, long nowNanos) {
    firstSubmitNanos.compareAndSet(UNSET, nowNanos);
    enqueued.addAndGet(count);
  }

  /**
   * Counts a handler start; returns true for this tenant's first one, so the caller can note how
   * much of the big backlog was still queued at that moment.
   */
  boolean markStarted(long submittedNanos, long nowNanos) {
    started.incrementAndGet();
    waits.add(nowNanos - submittedNanos);
    return firstStartNanos.compareAndSet(UNSET, nowNanos);
  }

  void bigQueuedAtFirstStart(long queued) {
    bigQueuedAtFirstStart = queued;
  }

  void markDone() {
    done.incrementAndGet();
  }

  long enqueued() {
    return enqueued.get();
  }

  long started() {
    return started.get();
  }

  long done() {
    return done.get();
  }

  /** Jobs enqueued and not started yet. */
  long queued() {
    return enqueued.get() - started.get();
  }

  /** Jobs started and not done yet. */
  long running() {
    return started.get() - done.get();
  }

  /** Milliseconds from the first enqueue to the first start, or null if none started yet. */
  Double firstStartMillis() {
    long start = firstStartNanos.get();
    long submit = firstSubmitNanos.get();
    return start == UNSET || submit == UNSET ? null : (start - submit) / 1e6;
  }

  /** Milliseconds since the first enqueue, or -1 when nothing was enqueued yet. */
  double millisSinceFirstSubmit(long nowNanos) {
    long submit = firstSubmitNanos.get();
    return submit == UNSET ? -1 : (nowNanos - submit) / 1e6;
  }

  /** A frozen copy for the report. */
  TenantReport report() {
    Double[] p = waits.percentilesMillis(0.50, 0.99);
    long backlog = bigQueuedAtFirstStart;
    return new TenantReport(name, enqueued.get(), started.get(), done.get(), firstStartMillis(),
        p[0], p[1], backlog < 0 ? null : backlog);
  }
}
