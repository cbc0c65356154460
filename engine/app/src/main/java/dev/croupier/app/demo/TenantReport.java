package dev.croupier.app.demo;

import java.util.Objects;

/**
 * One tenant's result in one run, frozen when the run ended.
 *
 * @param tenant the tenant
 * @param enqueued jobs it enqueued
 * @param started jobs whose handler started
 * @param done jobs whose handler finished
 * @param firstStartMs from its first enqueue to its first handler start; null if none started
 * @param waitP50Ms median wait (enqueue to start) of its started jobs; null if none started
 * @param waitP99Ms 99th percentile of the same; null if none started
 * @param bigQueuedAtFirstStart how many of the big tenant's jobs were still queued when this
 *     tenant's first job started; null if none started
 */
public record TenantReport(
    String tenant,
    long enqueued,
    long started,
    long done,
    Double firstStartMs,
    Double waitP50Ms,
    Double waitP99Ms,
    Long bigQueuedAtFirstStart) {

  /** Checks the required field. */
  public TenantReport {
    Objects.requireNonNull(tenant, "tenant");
  }

  /** Whether every job it enqueued is done. */
  public boolean drained() {
    return done == enqueued;
  }
}
