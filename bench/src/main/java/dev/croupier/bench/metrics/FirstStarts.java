package dev.croupier.bench.metrics;

import java.util.Arrays;
import java.util.List;

/** When each tenant's first job started, counted from when that tenant first enqueued. */
public final class FirstStarts {

  /** A tenant whose first job did not start within the span: it waits "forever". */
  public static final long NEVER = Long.MAX_VALUE;

  private FirstStarts() {}

  /**
   * For each tenant in {@code [firstTenant, firstTenant + arrivals.length)}, the time from its
   * arrival to the start of its first job, if that start was before {@code until}; {@link #NEVER}
   * otherwise.
   *
   * @param arrivals each tenant's first enqueue, on the runs' clock, by tenant index minus
   *     {@code firstTenant}
   */
  public static long[] of(List<Execution> runs, int firstTenant, long[] arrivals, long until) {
    long[] first = new long[arrivals.length];
    Arrays.fill(first, NEVER);
    for (Execution e : runs) {
      int k = e.tenant() - firstTenant;
      if (k >= 0 && k < arrivals.length && e.start() < until) {
        first[k] = Math.min(first[k], e.start() - arrivals[k]);
      }
    }
    return first;
  }
}
