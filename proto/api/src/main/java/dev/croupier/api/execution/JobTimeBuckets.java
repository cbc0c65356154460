package dev.croupier.api.execution;

import java.time.Duration;
import java.util.List;

/**
 * The histogram buckets every runner publishes for job times (the engine's wait and run timers,
 * the worker SDK's run timer), always, beside the percentile histogram: so SLOs such as "99%
 * start within 1 s" read off exact counts, and engine and worker series line up bucket for bucket.
 */
public final class JobTimeBuckets {

  /** The bucket boundaries, ascending. */
  public static final List<Duration> SLO_BOUNDARIES = List.of(
      Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5));

  private JobTimeBuckets() {}

  /** The boundaries as the array Micrometer's {@code serviceLevelObjectives} takes (a fresh copy). */
  public static Duration[] asArray() {
    return SLO_BOUNDARIES.toArray(Duration[]::new);
  }
}
