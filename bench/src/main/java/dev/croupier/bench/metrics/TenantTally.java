package dev.croupier.bench.metrics;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tenant's live counters in a run: jobs enqueued, started and done, when its first job was
 * enqueued and when its first job started, and every started job's wait. Thread-safe: producers,
 * worker slots and a live table touch it at once. {@link RunTally} updates it.
 */
public final class TenantTally {

  private static final long UNSET = Long.MIN_VALUE;
  private static final int INITIAL_SAMPLES = 1024;

  private final String name;
  private final AtomicLong enqueued = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong firstSubmitNanos = new AtomicLong(UNSET);
  private final AtomicLong firstStartNanos = new AtomicLong(UNSET);
  private volatile long bigQueuedAtFirstStart = -1;
  private long[] waits = new long[INITIAL_SAMPLES];
  private int waitCount;

  TenantTally(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The tenant. */
  public String name() {
    return name;
  }

  void markSubmitted(int count, long nowNanos) {
    firstSubmitNanos.compareAndSet(UNSET, nowNanos);
    enqueued.addAndGet(count);
  }

  /** Counts a handler start; true for this tenant's first one. */
  boolean markStarted(long enqueuedNanos, long nowNanos) {
    started.incrementAndGet();
    synchronized (this) {
      if (waitCount == waits.length) {
        waits = Arrays.copyOf(waits, waitCount * 2);
      }
      waits[waitCount++] = nowNanos - enqueuedNanos;
    }
    return firstStartNanos.compareAndSet(UNSET, nowNanos);
  }

  void markDone() {
    done.incrementAndGet();
  }

  void bigQueuedAtFirstStart(long queued) {
    bigQueuedAtFirstStart = queued;
  }

  /** Jobs enqueued (counted just before the enqueue call goes out). */
  public long enqueued() {
    return enqueued.get();
  }

  /** Jobs whose handler started. */
  public long started() {
    return started.get();
  }

  /** Jobs whose handler finished. */
  public long done() {
    return done.get();
  }

  /** Jobs enqueued and not started yet. */
  public long queued() {
    long s = started.get(); // first: a job is counted as enqueued before it can start
    return enqueued.get() - s;
  }

  /** Jobs started and not done yet. */
  public long running() {
    long d = done.get(); // first: a job is counted as started before it can be done
    return started.get() - d;
  }

  /** From the first enqueue to the first start, in nanoseconds; empty while none started. */
  public OptionalLong firstStartNanos() {
    long start = firstStartNanos.get();
    long submit = firstSubmitNanos.get();
    return start == UNSET || submit == UNSET ? OptionalLong.empty() : OptionalLong.of(start - submit);
  }

  /** Nanoseconds from the first enqueue to {@code nowNanos}; empty while nothing was enqueued. */
  public OptionalLong sinceFirstSubmit(long nowNanos) {
    long submit = firstSubmitNanos.get();
    return submit == UNSET ? OptionalLong.empty() : OptionalLong.of(nowNanos - submit);
  }

  /** Every started job's wait (enqueue to start) in nanoseconds, in start order (a copy). */
  public synchronized long[] waitsNanos() {
    return Arrays.copyOf(waits, waitCount);
  }

  /** The figures as they stand now. */
  public TenantFigures figures() {
    Percentiles p = Percentiles.of(waitsNanos());
    OptionalLong first = firstStartNanos();
    long backlog = bigQueuedAtFirstStart;
    // Read in the order the counts can change in, so done <= started <= enqueued holds.
    long d = done();
    long s = started();
    long e = enqueued();
    return new TenantFigures(e, s, d,
        first.isPresent() ? TenantFigures.millis(first.getAsLong()) : null,
        p.isEmpty() ? null : TenantFigures.millis(p.percentile(50)),
        p.isEmpty() ? null : TenantFigures.millis(p.percentile(99)),
        backlog < 0 ? null : backlog);
  }
}
