package dev.croupier.bench.workload;

/**
 * Zipf's law: the k-th largest of {@code n} items gets a part proportional to {@code 1 / k^s}.
 * Used to size tenants' backlogs the way real tenants are sized: a few huge, a long tail of small.
 */
public final class Zipf {

  private Zipf() {}

  /**
   * Splits {@code total} into {@code n} integer sizes, largest first, proportional to
   * {@code 1 / k^s}, each at least 1, summing exactly to {@code total}.
   */
  public static long[] sizes(int n, double s, long total) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be positive: " + n);
    }
    if (!(s >= 0) || Double.isInfinite(s)) {
      throw new IllegalArgumentException("exponent s must be a finite number >= 0: " + s);
    }
    if (total < n) {
      throw new IllegalArgumentException("total " + total + " is below n " + n + ": every item needs at least 1");
    }
    double[] p = probabilities(n, s);
    long[] sizes = new long[n];
    long left = total - n; // everyone gets 1 first, the rest by the law
    long assigned = 0;
    for (int k = 0; k < n; k++) {
      sizes[k] = 1 + (long) Math.floor(p[k] * left);
      assigned += sizes[k];
    }
    // Rounding leftovers go to the largest items, keeping the order.
    for (int k = 0; assigned < total; k = (k + 1) % n) {
      sizes[k]++;
      assigned++;
    }
    return sizes;
  }

  /** The law's probabilities for ranks 1..n (index 0 is rank 1). */
  public static double[] probabilities(int n, double s) {
    double[] p = new double[n];
    double norm = 0;
    for (int k = 0; k < n; k++) {
      p[k] = 1.0 / Math.pow(k + 1, s);
      norm += p[k];
    }
    for (int k = 0; k < n; k++) {
      p[k] /= norm;
    }
    return p;
  }
}
