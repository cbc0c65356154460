package dev.croupier.engine.internal.admin;

import java.time.Duration;

/**
 * The time buckets and the wait histogram the windowed stats use. The bucket size and lifetime
 * are mirrored in {@code lua/includes/counts.lua} (COUNT_BUCKET_MS, COUNT_BUCKET_TTL_MS).
 */
public final class StatsWindow {

  /** One bucket spans 10 s. */
  public static final long BUCKET_MS = 10_000;
  /** A bucket lives long enough to be read for a whole minute after it closes. */
  public static final long BUCKET_TTL_MS = 130_000;
  /** "The last minute": the current bucket and the five before it. */
  public static final int WINDOW_BUCKETS = 6;

  /** Upper bounds (ms) of the wait histogram's bins, 1-2-5 steps; the last bin is open. */
  static final long[] BIN_UPPER_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000,
      20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000};

  /** Number of bins (the bounded ones and the open last one). */
  static final int BINS = BIN_UPPER_MS.length + 1;

  private StatsWindow() {}

  /** The bucket {@code epochMs} falls in. */
  public static long bucket(long epochMs) {
    return Math.floorDiv(epochMs, BUCKET_MS);
  }

  /** The bin of a wait of {@code ms}. */
  static int bin(long ms) {
    for (int i = 0; i < BIN_UPPER_MS.length; i++) {
      if (ms <= BIN_UPPER_MS[i]) {
        return i;
      }
    }
    return BIN_UPPER_MS.length;
  }

  /**
   * The {@code p} quantile (0..1) of a histogram, as the upper bound of the bin it falls in (the
   * open last bin answers its lower bound); null when the histogram is empty.
   */
  static Duration quantile(long[] counts, double p) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Duration.ofMillis(i < BIN_UPPER_MS.length ? BIN_UPPER_MS[i] : BIN_UPPER_MS[BIN_UPPER_MS.length - 1]);
      }
    }
    return Duration.ofMillis(BIN_UPPER_MS[BIN_UPPER_MS.length - 1]);
  }
}
