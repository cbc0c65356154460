package dev.croupier.app.demo;

import java.util.Locale;

/** How the demo prints durations and counts for people. */
final class Format {

  private Format() {}

  /** {@code 0.4 ms}, {@code 12 ms}, {@code 1,234 ms}; {@code -} for null. */
  static String millis(Double ms) {
    if (ms == null) {
      return "-";
    }
    return ms < 10
        ? String.format(Locale.ROOT, "%.1f ms", ms)
        : String.format(Locale.ROOT, "%,.0f ms", ms);
  }

  /** {@code 100,000}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
