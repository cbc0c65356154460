package dev.croupier.bench.workload;

import java.time.Duration;

/** When late tenants arrive: evenly spread over a span, after a delay. */
public final class Arrivals {

  private Arrivals() {}

  /**
   * {@code n} arrival offsets from the run's start: the first at {@code after}, the last at
   * {@code after + span}, evenly spaced.
   */
  public static Duration[] evenly(int n, Duration after, Duration span) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive: " + n);
    }
    Duration[] at = new Duration[n];
    for (int i = 0; i < n; i++) {
      long offset = n == 1 ? 0 : span.toNanos() * i / (n - 1);
      at[i] = after.plusNanos(offset);
    }
    return at;
  }
}
