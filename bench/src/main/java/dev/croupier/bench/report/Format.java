package dev.croupier.bench.report;

import java.util.Locale;

/** How figures are printed in tables: durations with a fitting unit, counts, ratios, rates. */
public final class Format {

  private Format() {}

  /** A duration in nanoseconds as {@code 850 us}, {@code 12.3 ms} or {@code 4.20 s}. */
  public static String nanos(long nanos) {
    if (nanos == Long.MAX_VALUE) {
      return "never";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%d us", nanos / 1000);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** Milliseconds for people: {@code 0.4 ms}, {@code 12 ms}, {@code 1,234 ms}; {@code -} for null. */
  public static String millis(Double ms) {
    if (ms == null) {
      return "-";
    }
    return ms < 10
        ? String.format(Locale.ROOT, "%.1f ms", ms)
        : String.format(Locale.ROOT, "%,.0f ms", ms);
  }

  /** A count with thousands separators: {@code 100,000}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A number with {@code digits} decimals. */
  public static String fixed(double v, int digits) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "n/a";
  }

  /** A rate like {@code 12,345/s}. */
  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f/s", perSecond);
  }

  /** A fraction as a percentage. */
  public static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction) : "n/a";
  }
}
