package dev.croupier.bench.metrics;

import java.util.List;

/** How much of the worker slots' time went to running jobs. */
public final class SlotTime {

  private SlotTime() {}

  /**
   * The fraction of {@code slots x (to - from)} that {@code runs} spent running jobs inside
   * {@code [from, to)}: 1.0 when every slot ran jobs all the time, less when the queue left slots
   * idle (or spent their time claiming). Runs are clipped to the span.
   */
  public static double busyFraction(List<Execution> runs, int slots, long from, long to) {
    if (slots <= 0) {
      throw new IllegalArgumentException("slots must be positive: " + slots);
    }
    if (to <= from) {
      throw new IllegalArgumentException("the span must not be empty: [" + from + ", " + to + ")");
    }
    double busy = 0;
    for (Execution e : runs) {
      busy += e.overlap(from, to);
    }
    return busy / ((double) slots * (to - from));
  }
}
