package dev.croupier.bench.metrics;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One tenant's figures in one run, frozen when the run ended. Times are milliseconds rounded to
 * 0.1; in JSON the names are snake case ({@code first_start_ms}, {@code wait_p50_ms}, ...).
 *
 * @param enqueued jobs it enqueued
 * @param started jobs whose handler started
 * @param done jobs whose handler finished
 * @param firstStartMs from its first enqueue to its first handler start; null if none started
 * @param waitP50Ms median wait (enqueue to start) of its started jobs; null if none started
 * @param waitP99Ms 99th percentile of the same; null if none started
 * @param bigQueuedAtFirstStart how many of the big tenant's jobs were still queued when this
 *     tenant's first job started; null if none started
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantFigures(
    long enqueued,
    long started,
    long done,
    Double firstStartMs,
    Double waitP50Ms,
    Double waitP99Ms,
    Long bigQueuedAtFirstStart) {

  /** Checks the counts. */
  public TenantFigures {
    if (enqueued < 0 || started < 0 || done < 0 || done > started) {
      throw new IllegalArgumentException(
          "counts must be non-negative with done <= started: " + enqueued + "/" + started + "/" + done);
    }
  }

  /** Whether every job it enqueued is done. */
  public boolean drained() {
    return done == enqueued;
  }

  /** {@code nanos} in milliseconds rounded to 0.1, what a timer on a shared machine can tell. */
  static Double millis(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }
}
