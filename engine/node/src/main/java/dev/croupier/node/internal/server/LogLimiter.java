package dev.croupier.node.internal.server;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line of a kind through per window and counts the rest, so that a storm (a Redis
 * that is loading, a peer sending garbage from many connections) costs a line every few seconds
 * instead of one per event. The line that ends a quiet spell reports how many were held back.
 * Thread-safe.
 */
final class LogLimiter {

  /** The window unless configured otherwise. */
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong suppressed = new AtomicLong();
  private long nextAt;
  private boolean started;

  /** One line per {@code window}, timed by {@code nanoTime} (tests pass a fake clock). */
  LogLimiter(Duration window, LongSupplier nanoTime) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    this.windowNanos = window.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** One line per {@link #DEFAULT_WINDOW}. */
  LogLimiter() {
    this(DEFAULT_WINDOW, System::nanoTime);
  }

  /**
   * Whether to log this occurrence: -1 for no (it is counted), otherwise how many occurrences
   * were held back since the last one logged.
   */
  long permit() {
    long now = nanoTime.getAsLong();
    synchronized (this) {
      if (started && now - nextAt < 0) {
        suppressed.incrementAndGet();
        return -1;
      }
      started = true;
      nextAt = now + windowNanos;
    }
    return suppressed.getAndSet(0);
  }

  /** A suffix for the logged line: empty, or how many like it were held back. */
  static String held(long suppressed) {
    return suppressed <= 0 ? "" : " (" + suppressed + " more like this were not logged)";
  }
}
