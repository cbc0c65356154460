package dev.croupier.bench.scenario;

import java.util.concurrent.locks.LockSupport;

/** Sleeping until a point on the {@link System#nanoTime()} clock. */
final class Pacing {

  private Pacing() {}

  /** Sleeps until {@code deadline}; returns at once if it passed. */
  static void sleepUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }
}
