package dev.croupier.bench.metrics;

import java.util.Arrays;

/**
 * Percentiles of a sample by the nearest-rank method: the p-th percentile is the smallest value
 * with at least p percent of the sample at or below it. Immutable; holds a sorted copy.
 */
public final class Percentiles {

  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  /** Percentiles of {@code values} (copied, so the caller may reuse its array). */
  public static Percentiles of(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  /** How many values there are. */
  public int count() {
    return sorted.length;
  }

  /** Whether there are no values. */
  public boolean isEmpty() {
    return sorted.length == 0;
  }

  /**
   * The nearest-rank {@code p}-th percentile, {@code 0 < p <= 100}; throws on an empty sample, since
   * a made-up number there would hide that nothing was measured.
   */
  public long percentile(double p) {
    if (!(p > 0) || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalStateException("no values: percentile " + p + " is undefined");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** The smallest value. */
  public long min() {
    return percentile(Double.MIN_VALUE);
  }

  /** The largest value. */
  public long max() {
    return percentile(100);
  }

  /** The arithmetic mean (0 for an empty sample). */
  public double mean() {
    if (sorted.length == 0) {
      return 0;
    }
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  /** The values, sorted ascending (a copy). */
  public long[] sortedValues() {
    return sorted.clone();
  }
}
