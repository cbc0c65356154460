package dev.croupier.bench.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Each tenant's share of served cost (execution time) against its weight's share, per time window
 * and over a whole span. Only tenants that stayed backlogged through a window count in it: a tenant
 * that ran out of work cannot be served its share, and counting it would blame the scheduler.
 * A tenant is backlogged until its last job starts.
 */
public final class ServiceShares {

  private final List<Execution> executions;
  private final double[] weights;
  private final long[] drainedAt;

  /**
   * Computes shares over {@code executions}.
   *
   * @param executions every job run in the measured run
   * @param weights each tenant's plan weight, by tenant index
   * @param jobsPerTenant how many jobs each tenant had in all (to know when it drained)
   */
  public ServiceShares(List<Execution> executions, double[] weights, long[] jobsPerTenant) {
    if (weights.length != jobsPerTenant.length) {
      throw new IllegalArgumentException("weights and jobsPerTenant differ in length: "
          + weights.length + " vs " + jobsPerTenant.length);
    }
    this.executions = List.copyOf(executions);
    this.weights = weights.clone();
    long[] started = new long[weights.length];
    long[] lastStart = new long[weights.length];
    for (Execution e : executions) {
      started[e.tenant()]++;
      lastStart[e.tenant()] = Math.max(lastStart[e.tenant()], e.start());
    }
    drainedAt = new long[weights.length];
    for (int i = 0; i < weights.length; i++) {
      drainedAt[i] = started[i] >= jobsPerTenant[i] ? lastStart[i] : Long.MAX_VALUE;
    }
  }

  /**
   * When {@code tenant}'s last job started (it was backlogged until then), or
   * {@link Long#MAX_VALUE} while some of its jobs never started.
   */
  public long backloggedUntil(int tenant) {
    return drainedAt[tenant];
  }

  /** Shares in {@code [from, to)} among the tenants backlogged through it. */
  public Window window(long from, long to) {
    double[] served = new double[weights.length];
    for (Execution e : executions) {
      served[e.tenant()] += e.overlap(from, to);
    }
    List<Integer> active = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      if (drainedAt[i] >= to) {
        active.add(i);
      }
    }
    int n = active.size();
    double[] s = new double[n];
    double[] w = new double[n];
    int[] tenants = new int[n];
    for (int k = 0; k < n; k++) {
      tenants[k] = active.get(k);
      s[k] = served[tenants[k]];
      w[k] = weights[tenants[k]];
    }
    return Window.of(from, to, tenants, s, w);
  }

  /** Consecutive windows of {@code length} covering {@code [from, to)} (a short tail is dropped). */
  public List<Window> windows(long from, long to, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("window length must be positive: " + length);
    }
    List<Window> out = new ArrayList<>();
    for (long a = from; a + length <= to; a += length) {
      out.add(window(a, a + length));
    }
    return out;
  }

  /**
   * The shares in one window.
   *
   * @param from window start (ns)
   * @param to window end (ns)
   * @param tenants the tenants backlogged through it
   * @param servedShare each one's share of the cost served to them
   * @param weightShare each one's weight's share among them
   * @param jain Jain's index of servedShare / weightShare (NaN when nothing was served)
   * @param maxRelativeError largest |servedShare / weightShare - 1|
   */
  public record Window(long from, long to, int[] tenants, double[] servedShare,
      double[] weightShare, double jain, double maxRelativeError) {

    /** Where {@code tenant} is in {@link #tenants()}, or -1 when it was not backlogged through. */
    public int indexOf(int tenant) {
      for (int k = 0; k < tenants.length; k++) {
        if (tenants[k] == tenant) {
          return k;
        }
      }
      return -1;
    }

    /** {@code tenant}'s servedShare / weightShare (NaN when it was not backlogged through). */
    public double shareOverFair(int tenant) {
      int k = indexOf(tenant);
      return k < 0 ? Double.NaN : servedShare[k] / weightShare[k];
    }

    static Window of(long from, long to, int[] tenants, double[] served, double[] weights) {
      double totalServed = Arrays.stream(served).sum();
      double totalWeight = Arrays.stream(weights).sum();
      int n = tenants.length;
      double[] ss = new double[n];
      double[] ws = new double[n];
      double maxErr = 0;
      for (int k = 0; k < n; k++) {
        ss[k] = totalServed == 0 ? 0 : served[k] / totalServed;
        ws[k] = weights[k] / totalWeight;
        maxErr = Math.max(maxErr, Math.abs(ss[k] / ws[k] - 1));
      }
      double jain = n == 0 || totalServed == 0 ? Double.NaN : JainIndex.weighted(served, weights);
      return new Window(from, to, tenants, ss, ws, jain, totalServed == 0 ? Double.NaN : maxErr);
    }
  }
}
