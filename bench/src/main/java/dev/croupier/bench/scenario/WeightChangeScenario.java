package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.contender.TenantRingContender;
import dev.croupier.bench.metrics.WeightChange;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import dev.croupier.bench.workload.PlanWeights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A live weight change: 10 backlogged tenants of weight 1 (t000's backlog is as large as every
 * slot could run in the whole run, so no share can drain it); halfway through the run
 * tenant t000's weight goes from 1 to 4 (through the contender's weight call, for Croupier
 * {@code engine.configureTenant}). Per window, t000's share of served cost over its fair share
 * (1/10 before, 4/13 after); how long after the change until a window gives it its new share
 * within 5%; the overshoot (the largest share/fair of the windows after the change). Designs
 * without weights report n/a after the change.
 */
public final class WeightChangeScenario implements Scenario {

  /** Tenants, all backlogged through the run. */
  public static final int TENANTS = 10;
  /** All tenants' backlogs together at scale 1, before t000's is raised to what the slots could run. */
  public static final long TOTAL_JOBS = 200_000;
  /** Every job's duration. */
  public static final Duration JOB_COST = Duration.ofMillis(10);
  /** The tenant whose weight changes. */
  static final int CHANGED = 0;
  /** Its weight before and after the change (every other tenant keeps 1). */
  public static final double WEIGHT_BEFORE = 1;
  public static final double WEIGHT_AFTER = 4;
  /** Windows per run: the change falls on a window boundary in the middle. */
  static final int WINDOWS = 20;
  /** How close to its new share a window must bring the tenant to count as settled. */
  public static final double TOLERANCE = 0.05;

  @Override
  public String name() {
    return "shares-weight-change";
  }

  @Override
  public String description() {
    return "10 equal tenants; t000's weight goes 1 -> 4 halfway: time to its new share, overshoot";
  }

  @Override
  public Report run(ScenarioSettings s) {
    long[] sizes = new long[TENANTS];
    Arrays.fill(sizes, s.scaled(TOTAL_JOBS / TENANTS, 100));
    // The changed tenant must not run dry whatever share it gets: as many jobs as all slots can run.
    sizes[CHANGED] = Math.max(sizes[CHANGED], s.slots() * s.duration().toNanos() / JOB_COST.toNanos());
    double[] before = PlanWeights.uniform(TENANTS);
    double[] after = before.clone();
    after[CHANGED] = WEIGHT_AFTER;
    SharesWorkload w = new SharesWorkload(SharesWorkload.names(TENANTS), before, sizes,
        SharesWorkload.sameCost(TENANTS, JOB_COST), 1);
    List<Job> jobs = w.jobs(s.seed());
    Duration warmup = s.duration().dividedBy(10);
    long window = s.duration().toNanos() / WINDOWS;
    Map<String, Object> params = new LinkedHashMap<>(w.parameters());
    params.put("changedTenant", w.tenants()[CHANGED]);
    params.put("weightBefore", WEIGHT_BEFORE);
    params.put("weightAfter", WEIGHT_AFTER);
    params.put("changeAtSeconds", s.duration().toMillis() / 2000.0);
    params.put("windowSeconds", window / 1e9);
    params.put("tolerance", TOLERANCE);
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("warmupSeconds", warmup.toMillis() / 1000.0);
    Report report = new Report(name(), s.command(), params);
    List<String> header = new ArrayList<>(List.of("contender", "load", "before: share/fair",
        "1st window after", "time to within 5%", "overshoot (max after)", "last half after", "jobs/s"));
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);
    Map<String, Series> series = new LinkedHashMap<>();
    List<String> names = s.contendersOr(List.of(TenantRingContender.NAME, Contenders.CROUPIER_UNIFORM,
        Contenders.CROUPIER_WEIGHTED));

    ContenderLoop.run(s, report, names, false, s.claimThreads(), (c, figures) -> {
      c.configureWeights(w.tenants(), before);
      ContenderLoop.progress(name(), c.name(), "loading " + jobs.size() + " jobs over " + TENANTS + " tenants");
      double load = Backlogs.load(c, jobs);
      figures.put("loadSeconds", load);
      Trace trace = new Trace();
      RedisProbe probe = new RedisProbe(s.redisUrl());
      probe.start();
      long t0 = System.nanoTime();
      c.start(s.slots(), trace);
      long changedAt = t0 + s.duration().toNanos() / 2;
      Pacing.sleepUntil(changedAt);
      c.configureWeights(new String[] {w.tenants()[CHANGED]}, new double[] {WEIGHT_AFTER});
      ContenderLoop.progress(name(), c.name(), String.format("%s's weight set to %.0f",
          w.tenants()[CHANGED], WEIGHT_AFTER));
      Pacing.sleepUntil(t0 + s.duration().toNanos());
      long end = System.nanoTime();
      RedisProbe.Profile profile = probe.stop(trace.started());
      figures.put("profile", profile.toJson());
      WeightChange wc = WeightChange.of(trace.executions(), sizes, CHANGED, before, after, changedAt,
          t0 + warmup.toNanos(), end, window);
      double rate = trace.started() / ((end - t0) / 1e9);
      boolean weighted = c.takesWeights();
      series.put(c.name(), new Series(wc, weighted));
      table.row(analyse(c.name(), wc, weighted, load, rate, profile, figures));
    });

    report.table(table);
    report.table(windows(series, window));
    report.note("share/fair = " + w.tenants()[CHANGED] + "'s share of the cost served to the backlogged"
        + " tenants in a window over its weight's share (1/" + TENANTS + " before, " + (int) WEIGHT_AFTER + "/"
        + (TENANTS - 1 + (int) WEIGHT_AFTER) + " after); windows of " + Format.fixed(window / 1e9, 2)
        + " s lined up on the change, so 'time to within 5%' has that resolution ('never' = no window"
        + " after the change within " + Format.percent(TOLERANCE) + "). n/a: the design takes no weights");
    return report;
  }

  private static List<String> analyse(String name, WeightChange wc, boolean weighted, double load,
      double rate, RedisProbe.Profile profile, Map<String, Object> figures) {
    List<WeightChange.Point> after = wc.after();
    double beforeMean = WeightChange.meanRatio(wc.before());
    double first = after.isEmpty() ? Double.NaN : after.get(0).ratio();
    double lastHalf = WeightChange.meanRatio(after.subList(after.size() / 2, after.size()));
    OptionalLong settle = wc.settleNanos(TOLERANCE);
    figures.put("takesWeights", weighted);
    figures.put("beforeShareOverFair", beforeMean);
    figures.put("windowsBefore", pointsJson(wc.before()));
    figures.put("windowsAfter", pointsJson(after));
    List<String> row = new ArrayList<>(List.of(name, Format.fixed(load, 1) + " s", Format.fixed(beforeMean, 2)));
    if (weighted) {
      figures.put("firstWindowAfterShareOverFair", first);
      figures.put("settleSeconds", settle.isPresent() ? settle.getAsLong() / 1e9 : null);
      figures.put("overshoot", wc.overshoot());
      figures.put("lastHalfAfterShareOverFair", lastHalf);
      row.addAll(List.of(Format.fixed(first, 2),
          settle.isPresent() ? Format.nanos(settle.getAsLong()) : "never",
          Format.fixed(wc.overshoot(), 2), Format.fixed(lastHalf, 2)));
    } else {
      row.addAll(List.of("n/a", "n/a", "n/a", "n/a"));
    }
    row.add(Format.rate(rate));
    row.addAll(profile.cells());
    return row;
  }

  private static List<Object> pointsJson(List<WeightChange.Point> points) {
    List<Object> out = new ArrayList<>();
    for (WeightChange.Point p : points) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fromNanos", p.from());
      m.put("toNanos", p.to());
      m.put("share", p.share());
      m.put("fairShare", p.fairShare());
      m.put("shareOverFair", p.ratio());
      out.add(m);
    }
    return out;
  }

  /**
   * Per window, each contender's share/fair: rows are windows by their time from the change
   * (negative before it); after it, n/a for a design without weights.
   */
  private static MarkdownTable windows(Map<String, Series> series, long window) {
    List<String> header = new ArrayList<>(List.of("window (s from the change)"));
    int before = 0;
    int after = 0;
    for (Map.Entry<String, Series> e : series.entrySet()) {
      header.add(e.getKey());
      before = Math.max(before, e.getValue().change().before().size());
      after = Math.max(after, e.getValue().change().after().size());
    }
    MarkdownTable table = new MarkdownTable(header);
    for (int k = -before; k < after; k++) {
      List<String> row = new ArrayList<>();
      row.add(Format.fixed(k * window / 1e9, 1) + " .. " + Format.fixed((k + 1) * window / 1e9, 1));
      for (Series one : series.values()) {
        List<WeightChange.Point> points = k < 0 ? one.change().before() : one.change().after();
        int i = k < 0 ? points.size() + k : k;
        if (k >= 0 && !one.weighted()) {
          row.add("n/a");
        } else {
          row.add(i >= 0 && i < points.size() ? Format.fixed(points.get(i).ratio(), 2) : "-");
        }
      }
      table.row(row);
    }
    return table;
  }

  /** One contender's windows, and whether it takes weights at all. */
  private record Series(WeightChange change, boolean weighted) {}
}
