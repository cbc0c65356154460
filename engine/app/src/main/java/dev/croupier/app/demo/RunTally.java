package dev.croupier.app.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The live counters of one run, per tenant. Producers call {@link #submitted}, handlers call
 * {@link #started} and {@link #done}; the live table reads. Thread-safe.
 */
final class RunTally {

  private final Map<String, TenantTally> tenants = new LinkedHashMap<>();
  private final TenantTally big;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private volatile long bigEnqueueNanos = -1;

  RunTally(DemoOptions options, LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.big = new TenantTally(DemoOptions.BIG_TENANT, options.big());
    tenants.put(big.name(), big);
    for (String t : DemoOptions.SMALL_TENANTS) {
      tenants.put(t, new TenantTally(t, options.small()));
    }
    this.startNanos = nanoTime.getAsLong();
  }

  long now() {
    return nanoTime.getAsLong();
  }

  /** Milliseconds since the run started. */
  double elapsedMillis() {
    return (now() - startNanos) / 1e6;
  }

  Collection<TenantTally> tenants() {
    return tenants.values();
  }

  TenantTally big() {
    return big;
  }

  /** Counts {@code count} jobs of {@code tenant} as enqueued at {@code nowNanos}. */
  void submitted(String tenant, int count, long nowNanos) {
    tenant(tenant).markSubmitted(count, nowNanos);
  }

  /** Counts a handler start of one of {@code job}'s tenant's jobs, now. */
  void started(DemoJob job) {
    TenantTally t = tenant(job.tenant());
    if (t.markStarted(job.submittedNanos(), now())) {
      t.bigQueuedAtFirstStart(big.queued());
    }
  }

  /** Counts a handler end. */
  void done(String tenant) {
    tenant(tenant).markDone();
  }

  /** Records how long the big tenant's whole enqueue took. */
  void bigEnqueueTook(long nanos) {
    bigEnqueueNanos = nanos;
  }

  /** How long the big tenant's enqueue took in milliseconds, or null while it runs. */
  Double bigEnqueueMillis() {
    long n = bigEnqueueNanos;
    return n < 0 ? null : n / 1e6;
  }

  /** Whether every tenant's enqueued jobs are done (callers check that enqueueing ended). */
  boolean drained() {
    for (TenantTally t : tenants.values()) {
      if (t.done() < t.enqueued()) {
        return false;
      }
    }
    return true;
  }

  /** Freezes the counters into a report. */
  RunReport report(String queue, boolean enqueueFinished) {
    List<TenantReport> out = new ArrayList<>(tenants.size());
    for (TenantTally t : tenants.values()) {
      out.add(t.report());
    }
    return new RunReport(queue, elapsedMillis(), bigEnqueueMillis(),
        enqueueFinished && drained(), out);
  }

  private TenantTally tenant(String name) {
    TenantTally t = tenants.get(name);
    if (t == null) {
      throw new IllegalArgumentException("not a demo tenant: " + name);
    }
    return t;
  }
}
