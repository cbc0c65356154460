package dev.croupier.api.execution;

/**
 * A function's slots in one runner: at most {@code max} jobs running plus reserved. A reservation
 * is a promise of a slot to whoever feeds the runner (the claim loop's credits, or the credits a
 * worker grants a node); a job starts against one. Thread-safe.
 */
public final class Slots {

  private final int max;
  private int running;
  private int reserved;

  /** Slots for at most {@code max} jobs at once. */
  public Slots(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + max);
    }
    this.max = max;
  }

  /** The most jobs that may run at once. */
  public int max() {
    return max;
  }

  /** Slots neither running nor reserved. */
  public synchronized int free() {
    return max - running - reserved;
  }

  /** Jobs running now. */
  public synchronized int running() {
    return running;
  }

  /** Reserves up to {@code want} free slots; returns how many it got (maybe 0). */
  public synchronized int reserve(int want) {
    int take = Math.min(want, max - running - reserved);
    if (take <= 0) {
      return 0;
    }
    reserved += take;
    return take;
  }

  /** Gives back {@code count} reserved slots that were not used. */
  public synchronized void release(int count) {
    reserved = Math.max(0, reserved - count);
  }

  /** Forgets every reservation (the credits they backed are void, e.g. their connection closed). */
  public synchronized void releaseAll() {
    reserved = 0;
  }

  /**
   * Starts a job against a reservation, or against a free slot when none is reserved; false
   * (nothing changed) when every slot is taken.
   */
  public synchronized boolean start() {
    if (reserved > 0) {
      reserved--;
    } else if (running + reserved >= max) {
      return false;
    }
    running++;
    return true;
  }

  /** A job ended: its slot is free again. */
  public synchronized void finish() {
    if (running > 0) {
      running--;
    }
  }
}
