package dev.croupier.api;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a failed job is retried: exponential backoff with full jitter, bounded by a cap, for at most
 * {@code maxAttempts} deliveries in all (the first one included).
 */
public record RetryPolicy(int maxAttempts, Duration base, double factor, Duration cap) {

  /** Deliveries in all, unless a function says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** The first retry waits up to this long. */
  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  /** Each further retry may wait this many times longer. */
  public static final double DEFAULT_FACTOR = 2.0;
  /** No retry waits longer than this. */
  public static final Duration DEFAULT_CAP = Duration.ofMinutes(5);

  /** The default policy: 5 attempts, 1 s base, factor 2, 5 min cap. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE, DEFAULT_FACTOR, DEFAULT_CAP);

  /** Validates every field. */
  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new IllegalArgumentException("maxAttempts must be between 1 and 1000: " + maxAttempts);
    }
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative()) {
      throw new IllegalArgumentException("base must not be negative: " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap " + cap + " must not be below base " + base);
    }
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be a finite number >= 1: " + factor);
    }
  }

  /**
   * The delay before the retry that follows failed attempt number {@code attempt} (1-based):
   * uniformly random in {@code [0, min(cap, base * factor^(attempt-1))]} (full jitter).
   */
  public Duration delayAfter(int attempt, RandomGenerator random) {
    double ceiling = base.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
    long capped = (long) Math.min(cap.toMillis(), ceiling);
    return Duration.ofMillis(capped <= 0 ? 0 : random.nextLong(capped + 1));
  }
}
