package dev.croupier.engine.internal.claim;

/**
 * Wakes idle claim loops when work or credits appear. A generation counter means a signal sent
 * while a loop was busy is not lost: the loop sees the generation moved and claims again at once.
 * A signal wakes one waiting loop, not all: one round reserves every free credit, so waking the
 * others for a freed slot would only have them find nothing (a thundering herd that made many
 * claim threads slower than one).
 */
public final class Signal {

  private long generation;
  /** Loops waiting in {@link #awaitChange} now. */
  private int waiting;

  /** Wakes one waiting loop (the others see the new generation when they next look). */
  public synchronized void signal() {
    generation++;
    notify();
  }

  /** Wakes every waiting loop (at shutdown). */
  public synchronized void signalAll() {
    generation++;
    notifyAll();
  }

  /** The current generation. */
  public synchronized long generation() {
    return generation;
  }

  /** Waits until the generation moves past {@code seen} or {@code millis} pass. */
  public synchronized void awaitChange(long seen, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    waiting++;
    try {
      while (generation == seen) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return;
        }
        wait(left);
      }
    } finally {
      waiting--;
    }
  }

  /** Whether {@code loops} loops (or more) are waiting: none is claiming or about to. */
  public synchronized boolean allWaiting(int loops) {
    return waiting >= loops;
  }
}
