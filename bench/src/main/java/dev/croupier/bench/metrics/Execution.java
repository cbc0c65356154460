package dev.croupier.bench.metrics;

/**
 * One job's run as the harness saw it, times in nanoseconds on one monotonic clock.
 *
 * @param tenant the tenant's index in the workload
 * @param enqueued when the producer handed the job to the queue
 * @param start when a worker slot started running it
 * @param finish when the worker slot finished it
 */
public record Execution(int tenant, long enqueued, long start, long finish) {

  /** Checks that the times are ordered. */
  public Execution {
    if (tenant < 0) {
      throw new IllegalArgumentException("tenant index must not be negative: " + tenant);
    }
    if (finish < start) {
      throw new IllegalArgumentException("finish " + finish + " is before start " + start);
    }
  }

  /** Time from enqueue to start. */
  public long waitNanos() {
    return start - enqueued;
  }

  /** How much of this run falls inside {@code [from, to)}. */
  public long overlap(long from, long to) {
    return Math.max(0, Math.min(finish, to) - Math.max(start, from));
  }
}
