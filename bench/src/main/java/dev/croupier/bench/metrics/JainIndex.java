package dev.croupier.bench.metrics;

/**
 * Jain's fairness index {@code (sum x)^2 / (n * sum x^2)} of non-negative allocations: 1 when all
 * are equal, {@code 1/n} when one gets everything. Applied to each tenant's served share divided by
 * its weight's share, it measures weighted fairness.
 */
public final class JainIndex {

  private JainIndex() {}

  /** The index of {@code x}; throws on an empty array, a negative value, or all zeros. */
  public static double of(double[] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("Jain's index needs at least one value");
    }
    double sum = 0;
    double squares = 0;
    for (double v : x) {
      if (v < 0 || Double.isNaN(v)) {
        throw new IllegalArgumentException("allocations must not be negative: " + v);
      }
      sum += v;
      squares += v * v;
    }
    if (squares == 0) {
      throw new IllegalArgumentException("all allocations are zero: the index is undefined");
    }
    return sum * sum / (x.length * squares);
  }

  /**
   * The index of weighted shares: {@code x_i = (served_i / sum served) / (weight_i / sum weight)},
   * so a perfectly weight-proportional allocation scores 1.
   */
  public static double weighted(double[] served, double[] weights) {
    if (served.length != weights.length) {
      throw new IllegalArgumentException(
          "served and weights differ in length: " + served.length + " vs " + weights.length);
    }
    double totalServed = 0;
    double totalWeight = 0;
    for (int i = 0; i < served.length; i++) {
      if (!(weights[i] > 0)) {
        throw new IllegalArgumentException("weights must be positive: " + weights[i]);
      }
      totalServed += served[i];
      totalWeight += weights[i];
    }
    double[] x = new double[served.length];
    for (int i = 0; i < served.length; i++) {
      x[i] = totalServed == 0 ? 0 : (served[i] / totalServed) / (weights[i] / totalWeight);
    }
    return of(x);
  }
}
