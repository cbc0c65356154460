package dev.croupier.bench.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The live counters of one noisy-neighbour run, per tenant: producers call {@link #submitted},
 * worker slots {@link #started} and {@link #done}, a live table reads. {@link #freeze} ends the
 * run: from then on nothing new counts, so the figures read afterwards describe that moment
 * (jobs still in flight then are not counted as done). Thread-safe.
 */
public final class RunTally {

  private static final long UNSET = Long.MIN_VALUE;

  private final Map<String, TenantTally> tenants;
  private final TenantTally big;
  private final LongSupplier nanoTime;
  private volatile long workersStartedNanos = UNSET;
  private volatile long bigEnqueueNanos = UNSET;
  private volatile long frozenAtNanos = UNSET;
  private volatile boolean drainedAtFreeze;

  /**
   * Counters for {@code bigTenant} and {@code lateTenants}, timed by {@code nanoTime} (the clock
   * the jobs' enqueue stamps use).
   */
  public RunTally(String bigTenant, List<String> lateTenants, LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    Map<String, TenantTally> all = new LinkedHashMap<>();
    all.put(bigTenant, new TenantTally(bigTenant));
    for (String t : lateTenants) {
      if (all.putIfAbsent(t, new TenantTally(t)) != null) {
        throw new IllegalArgumentException("tenant " + t + " is named twice");
      }
    }
    this.tenants = Collections.unmodifiableMap(all);
    this.big = all.get(bigTenant);
  }

  /** Now, on the tally's clock. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /** Marks the workers' start: elapsed time counts from here. */
  public void workersStarted() {
    workersStartedNanos = now();
  }

  /** Milliseconds since the workers started (0 before), up to the freeze. */
  public double elapsedMillis() {
    return elapsedNanos() / 1e6;
  }

  private long elapsedNanos() {
    long from = workersStartedNanos;
    if (from == UNSET) {
      return 0;
    }
    long to = frozenAtNanos;
    return (to == UNSET ? now() : to) - from;
  }

  /** Every tenant, the big one first. */
  public Collection<TenantTally> tenants() {
    return tenants.values();
  }

  /** The tenant with the backlog. */
  public TenantTally big() {
    return big;
  }

  /** The named tenant; throws for one not in the run. */
  public TenantTally tenant(String name) {
    TenantTally t = tenants.get(name);
    if (t == null) {
      throw new IllegalArgumentException("not a tenant of this run: " + name);
    }
    return t;
  }

  /** Counts {@code count} jobs of {@code tenant} as enqueued at {@code nowNanos}. */
  public void submitted(String tenant, int count, long nowNanos) {
    if (!isFrozen()) {
      tenant(tenant).markSubmitted(count, nowNanos);
    }
  }

  /** Counts a handler start, now, of a job of {@code tenant} enqueued at {@code enqueuedNanos}. */
  public void started(String tenant, long enqueuedNanos) {
    if (isFrozen()) {
      return;
    }
    TenantTally t = tenant(tenant);
    if (t.markStarted(enqueuedNanos, now())) {
      t.bigQueuedAtFirstStart(big.queued());
    }
  }

  /** Counts a handler end. */
  public void done(String tenant) {
    if (!isFrozen()) {
      tenant(tenant).markDone();
    }
  }

  /** Records how long the big tenant's whole enqueue took. */
  public void bigEnqueueTook(long nanos) {
    bigEnqueueNanos = nanos;
  }

  /** How long the big tenant's enqueue took in nanoseconds; empty while it runs or if it stopped. */
  public OptionalLong bigEnqueueNanos() {
    long n = bigEnqueueNanos;
    return n == UNSET ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /** {@link #bigEnqueueNanos} in milliseconds rounded to 0.1; null while it runs or if it stopped. */
  public Double bigEnqueueMillis() {
    long n = bigEnqueueNanos;
    return n == UNSET ? null : TenantFigures.millis(n);
  }

  /** Whether every tenant's enqueued jobs are done (callers check that enqueueing ended). */
  public boolean drained() {
    for (TenantTally t : tenants.values()) {
      if (t.done() < t.enqueued()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops counting and returns the figures at this moment.
   *
   * @param enqueueFinished whether every job of the workload was enqueued (else it is not drained)
   */
  public RunFigures freeze(boolean enqueueFinished) {
    if (!isFrozen()) {
      frozenAtNanos = now();
      drainedAtFreeze = enqueueFinished && drained();
    }
    return figures();
  }

  /** Whether {@link #freeze} was called. */
  public boolean isFrozen() {
    return frozenAtNanos != UNSET;
  }

  /** Nanoseconds from the workers' start to the freeze; throws before both happened. */
  public long runNanos() {
    if (!isFrozen() || workersStartedNanos == UNSET) {
      throw new IllegalStateException("the run has not both started its workers and ended");
    }
    return frozenAtNanos - workersStartedNanos;
  }

  /** The figures as they stand (final once frozen). */
  public RunFigures figures() {
    Map<String, TenantFigures> out = new LinkedHashMap<>();
    for (TenantTally t : tenants.values()) {
      out.put(t.name(), t.figures());
    }
    return new RunFigures(TenantFigures.millis(elapsedNanos()), bigEnqueueMillis(), isFrozen() && drainedAtFreeze, out);
  }

  /** The late tenants' names, in order. */
  public List<String> lateTenants() {
    List<String> out = new ArrayList<>(tenants.keySet());
    out.remove(0);
    return out;
  }
}
