package dev.croupier.bench.workload;

import java.util.SplittableRandom;

/** Plan weights for a set of tenants, drawn from a small menu of plans like real price lists. */
public final class PlanWeights {

  /** The plans: free, standard, business, enterprise. */
  public static final double[] PLANS = {1, 2, 4, 8};

  private PlanWeights() {}

  /** {@code n} weights drawn uniformly from {@link #PLANS}, reproducible for a seed. */
  public static double[] draw(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = PLANS[random.nextInt(PLANS.length)];
    }
    return w;
  }

  /** {@code n} weights cycling through {@link #PLANS} (1, 2, 4, 8, 1, 2, ...): an even mix. */
  public static double[] cycled(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = PLANS[i % PLANS.length];
    }
    return w;
  }

  /** {@code n} weights of 1. */
  public static double[] uniform(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0);
    return w;
  }
}
