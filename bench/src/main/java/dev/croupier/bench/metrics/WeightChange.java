package dev.croupier.bench.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One tenant's share of served cost against its fair share, window by window, before and after
 * its weight changed while it ran: how long until it got its new share and how far it overshot.
 * Shares count among the tenants backlogged through each window, as in {@link ServiceShares};
 * windows line up on the moment of the change, so none straddles it.
 */
public final class WeightChange {

  private final List<Point> before;
  private final List<Point> after;
  private final long window;

  /**
   * One window's figures for the tenant.
   *
   * @param from window start (ns)
   * @param to window end (ns)
   * @param share the tenant's share of the cost served to backlogged tenants (NaN when it was not
   *     backlogged through the window or nothing was served)
   * @param fairShare its weight's share among them, with the weights in force in the window
   */
  public record Point(long from, long to, double share, double fairShare) {
    /** share / fairShare: 1.0 is exact. */
    public double ratio() {
      return share / fairShare;
    }
  }

  private WeightChange(List<Point> before, List<Point> after, long window) {
    this.before = List.copyOf(before);
    this.after = List.copyOf(after);
    this.window = window;
  }

  /**
   * The tenant's windows in {@code [from, to)}, each {@code window} long, lined up on
   * {@code changedAt}: those ending by then judged with {@code weightsBefore}, those starting
   * then or later with {@code weightsAfter}.
   *
   * @param jobsPerTenant each tenant's jobs in all (to know when it drained)
   */
  public static WeightChange of(List<Execution> runs, long[] jobsPerTenant, int tenant,
      double[] weightsBefore, double[] weightsAfter, long changedAt, long from, long to, long window) {
    Objects.requireNonNull(runs, "runs");
    if (window <= 0) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    if (changedAt < from || changedAt > to) {
      throw new IllegalArgumentException("the change at " + changedAt + " is outside [" + from + ", " + to + ")");
    }
    ServiceShares old = new ServiceShares(runs, weightsBefore, jobsPerTenant);
    ServiceShares now = new ServiceShares(runs, weightsAfter, jobsPerTenant);
    List<Point> before = new ArrayList<>();
    for (long end = changedAt; end - window >= from; end -= window) {
      before.add(0, point(old.window(end - window, end), tenant));
    }
    List<Point> after = new ArrayList<>();
    for (long start = changedAt; start + window <= to; start += window) {
      after.add(point(now.window(start, start + window), tenant));
    }
    return new WeightChange(before, after, window);
  }

  private static Point point(ServiceShares.Window w, int tenant) {
    int k = w.indexOf(tenant);
    if (k < 0) {
      return new Point(w.from(), w.to(), Double.NaN, Double.NaN);
    }
    double share = Double.isNaN(w.jain()) ? Double.NaN : w.servedShare()[k];
    return new Point(w.from(), w.to(), share, w.weightShare()[k]);
  }

  /** The windows before the change, oldest first. */
  public List<Point> before() {
    return before;
  }

  /** The windows from the change on, oldest first. */
  public List<Point> after() {
    return after;
  }

  /**
   * From the change to the end of the first window after it whose share is within
   * {@code tolerance} of the fair share ({@code |ratio - 1| <= tolerance}); empty when none is.
   * Its resolution is one window.
   */
  public OptionalLong settleNanos(double tolerance) {
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must not be negative: " + tolerance);
    }
    for (int k = 0; k < after.size(); k++) {
      if (Math.abs(after.get(k).ratio() - 1) <= tolerance) {
        return OptionalLong.of((k + 1) * window);
      }
    }
    return OptionalLong.empty();
  }

  /** The largest share/fair of the windows after the change (NaN when there are none). */
  public double overshoot() {
    return after.stream().mapToDouble(Point::ratio).filter(r -> !Double.isNaN(r)).max().orElse(Double.NaN);
  }

  /** The mean share/fair of {@code points} that have one (NaN when none has). */
  public static double meanRatio(List<Point> points) {
    return points.stream().mapToDouble(Point::ratio).filter(r -> !Double.isNaN(r)).average().orElse(Double.NaN);
  }
}
