package dev.croupier.app.demo;

import java.util.Arrays;

/** Waits (enqueue to handler start, in nanoseconds) of one tenant's started jobs. Thread-safe. */
final class WaitSamples {

  private long[] samples;
  private int size;

  WaitSamples(int expected) {
    samples = new long[Math.max(16, expected)];
  }

  synchronized void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  /**
   * The nearest-rank percentiles {@code ps} (each in (0, 1]) in milliseconds, or nulls when no
   * job started.
   */
  Double[] percentilesMillis(double... ps) {
    long[] sorted;
    synchronized (this) {
      sorted = Arrays.copyOf(samples, size);
    }
    Arrays.sort(sorted);
    Double[] out = new Double[ps.length];
    for (int i = 0; i < ps.length; i++) {
      if (sorted.length > 0) {
        int rank = (int) Math.ceil(ps[i] * sorted.length);
        out[i] = sorted[Math.max(0, rank - 1)] / 1e6;
      }
    }
    return out;
  }
}
