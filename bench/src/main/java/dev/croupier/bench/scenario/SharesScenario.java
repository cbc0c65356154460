package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.metrics.Execution;
import dev.croupier.bench.metrics.ServiceShares;
import dev.croupier.bench.report.Charts;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import dev.croupier.bench.workload.PlanWeights;
import dev.croupier.bench.workload.Zipf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BiFunction;

/**
 * Saturation with backlogged tenants whose plans weigh 1, 2, 4 or 8: each tenant's share of served
 * cost against its weight's share, per window and over the run, and Jain's index of weighted
 * shares. The variants ({@link Variant}) change the backlogs, the weights, the job durations or
 * how one tenant spreads its backlog. The design's target: Jain >= 0.98 in each.
 */
public final class SharesScenario implements Scenario {

  /** Tenants in the Zipf variants (the spread variant: {@code rivals + 1}). */
  public static final int TENANTS = 100;
  /** All tenants' backlogs together at scale 1 (Zipf variants and shares-equal alike). */
  public static final long TOTAL_JOBS = 200_000;
  /** Zipf exponent of the backlog sizes. */
  public static final double ZIPF_EXPONENT = 1.0;
  /** A job's duration where every job costs the same. */
  public static final Duration JOB_COST = Duration.ofMillis(10);
  /** Short and long job durations of shares-cost: tenfold apart. */
  public static final Duration SHORT_COST = Duration.ofMillis(5);
  public static final Duration LONG_COST = Duration.ofMillis(50);
  /**
   * Short and long job durations of shares-cost-100: a hundredfold apart. Short jobs of 10 ms (not
   * 5) keep the claim rate a fair split needs (half of 32 slots / 10 ms = 1,600 jobs/s) well
   * within what the engine claims, so the figure is about fairness, not claim throughput.
   */
  public static final Duration SHORT_COST_100 = Duration.ofMillis(10);
  public static final Duration LONG_COST_100 = Duration.ofMillis(1000);
  /** Tenants in shares-equal. */
  public static final int EQUAL_TENANTS = 50;
  /** Queues the spreading tenant uses. */
  public static final int SPREAD_QUEUES = 1000;
  /** Rivals of the spreading tenant unless {@code --rivals} says otherwise. */
  public static final int DEFAULT_RIVALS = TENANTS - 1;
  /** Jain's index target (DESIGN.md). */
  static final double TARGET_JAIN = 0.98;
  /** Windows the measured span is cut into. */
  static final int WINDOWS = 6;

  /** The workloads. */
  public enum Variant {
    /** 100 tenants, Zipf backlogs, drawn plan weights, every job 10 ms. */
    PLAIN("shares", "100 tenants, Zipf backlogs, plan weights: weighted shares of served cost",
        (s, n) -> zipf(s, n, SharesWorkload.sameCost(n, JOB_COST), 1)),
    /** Tenant t000 spreads its backlog over {@link #SPREAD_QUEUES} queues (keys) among its rivals. */
    SPREAD("shares-spread", "as shares, but the largest tenant spreads its backlog over 1,000 queues"
        + " (--rivals N: how many tenants it competes with, default " + DEFAULT_RIVALS + ")",
        (s, n) -> zipf(s, n, SharesWorkload.sameCost(n, JOB_COST), SPREAD_QUEUES)),
    /** Odd tenants' jobs run ten times longer than even tenants'. */
    COST("shares-cost", "as shares, but odd tenants' jobs run 10x longer: cost fairness",
        (s, n) -> zipf(s, n, alternating(n, SHORT_COST, LONG_COST), 1)),
    /** Odd tenants' jobs run a hundred times longer than even tenants'. */
    COST_100("shares-cost-100", "as shares, but odd tenants' jobs run 100x longer (10 ms vs 1 s)",
        (s, n) -> zipf(s, n, alternating(n, SHORT_COST_100, LONG_COST_100), 1)),
    /** 50 tenants with equal backlogs and weights 1, 2, 4, 8 in turn: pure weighting. */
    EQUAL("shares-equal", "50 equally backlogged tenants, weights 1/2/4/8 in turn: is 8:1 served 8:1?",
        (s, n) -> equal(s, n));

    private final String scenarioName;
    private final String description;
    private final BiFunction<ScenarioSettings, Integer, SharesWorkload> workload;

    Variant(String scenarioName, String description, BiFunction<ScenarioSettings, Integer, SharesWorkload> workload) {
      this.scenarioName = scenarioName;
      this.description = description;
      this.workload = workload;
    }

    /** How many tenants the variant runs under {@code s}. */
    int tenants(ScenarioSettings s) {
      return switch (this) {
        case SPREAD -> (s.rivals() > 0 ? s.rivals() : DEFAULT_RIVALS) + 1;
        case EQUAL -> EQUAL_TENANTS;
        default -> TENANTS;
      };
    }

    private boolean hasCostClasses() {
      return this == COST || this == COST_100;
    }
  }

  private final Variant variant;

  /** The scenario for {@code variant}. */
  public SharesScenario(Variant variant) {
    this.variant = variant;
  }

  @Override
  public String name() {
    return variant.scenarioName;
  }

  @Override
  public String description() {
    return variant.description;
  }

  private static SharesWorkload zipf(ScenarioSettings s, int n, Duration[] costs, int spreadQueues) {
    long total = s.scaled(TOTAL_JOBS, n * 10L);
    return new SharesWorkload(SharesWorkload.names(n), PlanWeights.draw(n, s.seed()),
        Zipf.sizes(n, ZIPF_EXPONENT, total), costs, spreadQueues);
  }

  private static SharesWorkload equal(ScenarioSettings s, int n) {
    long[] sizes = new long[n];
    java.util.Arrays.fill(sizes, s.scaled(TOTAL_JOBS / n, 10));
    return new SharesWorkload(SharesWorkload.names(n), PlanWeights.cycled(n), sizes,
        SharesWorkload.sameCost(n, JOB_COST), 1);
  }

  private static Duration longest(Duration[] costs) {
    return java.util.Arrays.stream(costs).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /** Even tenants' jobs run {@code even}, odd tenants' {@code odd}. */
  private static Duration[] alternating(int n, Duration even, Duration odd) {
    Duration[] costs = new Duration[n];
    for (int i = 0; i < n; i++) {
      costs[i] = i % 2 == 0 ? even : odd;
    }
    return costs;
  }

  @Override
  public Report run(ScenarioSettings s) {
    SharesWorkload w = variant.workload.apply(s, variant.tenants(s));
    List<Job> jobs = w.jobs(s.seed());
    Duration warmup = s.duration().dividedBy(10);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("variant", variant.name().toLowerCase());
    params.putAll(w.parameters());
    if (variant == Variant.SPREAD) {
      params.put("rivals", w.size() - 1);
    }
    if (variant != Variant.EQUAL) {
      params.put("zipfExponent", ZIPF_EXPONENT);
    }
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("warmupSeconds", warmup.toMillis() / 1000.0);
    params.put("windows", WINDOWS);
    Report report = new Report(name(), s.command(), params);
    MarkdownTable table = new MarkdownTable(header(w));

    ContenderLoop.run(s, report, s.contendersOr(Contenders.ALL), variant == Variant.SPREAD, s.claimThreads(), (c, figures) -> {
      c.configureWeights(w.tenants(), w.weights());
      ContenderLoop.progress(name(), c.name(), "loading " + jobs.size() + " jobs over " + w.size() + " tenants");
      double load = Backlogs.load(c, jobs);
      figures.put("loadSeconds", load);
      ContenderLoop.progress(name(), c.name(), String.format("loaded in %.1f s; running", load));
      Trace trace = new Trace();
      RedisProbe probe = new RedisProbe(s.redisUrl());
      probe.start();
      long t0 = System.nanoTime();
      c.start(s.slots(), trace);
      Pacing.sleepUntil(t0 + s.duration().toNanos());
      long end = System.nanoTime();
      RedisProbe.Profile profile = probe.stop(trace.started());
      figures.put("profile", profile.toJson());
      // A job still running at the end counts up to the end (the windows clip each run), but the
      // trace has it only once it finished: let the runs finish first. Dropping them whole cost
      // a long-job tenant up to one 1 s job of about thirty in a 60 s shares-cost-100 run.
      Pacing.sleepUntil(System.nanoTime() + longest(w.costs()).toNanos() + 100_000_000L);
      List<Execution> runs = trace.executions();
      ServiceShares shares = new ServiceShares(runs, w.weights(), w.sizes());
      long from = t0 + warmup.toNanos();
      ServiceShares.Window whole = shares.window(from, end);
      List<ServiceShares.Window> windows = shares.windows(from, end, (end - from) / WINDOWS);
      double mean = windows.stream().mapToDouble(ServiceShares.Window::jain).filter(Double::isFinite)
          .average().orElse(Double.NaN);
      double min = windows.stream().mapToDouble(ServiceShares.Window::jain).filter(Double::isFinite)
          .min().orElse(Double.NaN);
      long served = runs.stream().filter(e -> e.start() <= end).count();
      double rate = served / ((end - t0) / 1e9);
      double[] byPlan = byPlan(whole, w.weights());
      figures.put("jain", whole.jain());
      figures.put("jainWindowMean", mean);
      figures.put("jainWindowMin", min);
      figures.put("minShareOverFair", extreme(whole, true));
      figures.put("maxShareOverFair", extreme(whole, false));
      figures.put("maxRelativeShareError", whole.maxRelativeError());
      figures.put("shareOverFairByPlan", byPlan);
      figures.put("tenantsBacklogged", whole.tenants().length);
      figures.put("jobsPerSecond", rate);
      figures.put("meetsJainTarget", whole.jain() >= TARGET_JAIN);
      figures.put("run", windowJson(whole, w.tenants()));
      List<Object> ws = new ArrayList<>();
      for (ServiceShares.Window win : windows) {
        ws.add(windowJson(win, w.tenants()));
      }
      figures.put("windows", ws);
      List<String> row = new ArrayList<>(List.of(c.name(), Format.fixed(load, 1) + " s",
          Format.fixed(whole.jain(), 3), Format.fixed(mean, 3), Format.fixed(min, 3),
          worst(whole), plans(byPlan), whole.tenants().length + "/" + w.size(), Format.rate(rate)));
      if (variant == Variant.SPREAD) {
        spreader(shares, from, end, t0, figures, row);
      }
      if (variant.hasCostClasses()) {
        longJobs(whole, figures, row);
      }
      row.addAll(profile.cells());
      table.row(row);
      if (s.charts()) {
        var file = s.outDir().resolve(fileLabel(w) + "-service-" + c.name() + ".png");
        Charts.cumulativeService(file, name() + ": cumulative service per tenant, " + c.name(),
            cumulative(runs, t0, w.tenants(), w.weights(), whole));
        report.chart(file);
      }
    });

    report.table(table);
    report.note("Jain's index of weighted shares over tenants backlogged through the measured span"
        + " (after " + warmup.toMillis() / 1000.0 + " s warm-up); target (DESIGN.md) >= " + TARGET_JAIN
        + ". share/fair = a tenant's share of served cost over its weight's share; 1.00 is exact;"
        + " 'by weight' averages it over the backlogged tenants of each plan (1, 2, 4, 8)."
        + " Per job: Redis CPU, commands and JVM CPU while the workers ran, divided by the jobs started"
        + " then (the backlog was loaded before: claiming and completing, not enqueueing)");
    if (variant == Variant.SPREAD) {
      report.note("t000 spreads its backlog over " + SPREAD_QUEUES + " queues among " + (w.size() - 1)
          + " rivals; its share/fair is taken over the measured span while it was backlogged (until its"
          + " last job started), so a design that drains it early is still judged by the time it had work");
    }
    if (variant.hasCostClasses()) {
      report.note("long-job tenants = the odd tenants; their slot-time = their share of the cost served"
          + " to backlogged tenants over the run, against the share their weights give them (fair)");
    }
    return report;
  }

  private List<String> header(SharesWorkload w) {
    List<String> header = new ArrayList<>(List.of("contender", "load", "Jain (run)", "Jain per window mean",
        "min", "share/fair min .. max", "share/fair by weight 1/2/4/8", "tenants backlogged", "jobs/s"));
    if (variant == Variant.SPREAD) {
      header.add("t000 (1,000 queues, " + (w.size() - 1) + " rivals) share/fair");
      header.add("t000 backlogged");
    }
    if (variant.hasCostClasses()) {
      header.add("long-job tenants' slot-time (fair)");
    }
    header.addAll(RedisProbe.COLUMNS);
    return header;
  }

  /** Chart files of a spread run with other than the default rivals name the count. */
  private String fileLabel(SharesWorkload w) {
    return variant == Variant.SPREAD && w.size() - 1 != DEFAULT_RIVALS ? name() + "-" + (w.size() - 1) : name();
  }

  /** The spreader's share/fair while it was backlogged, into figures and the row. */
  private static void spreader(ServiceShares shares, long from, long end, long t0, Map<String, Object> figures,
      List<String> row) {
    long until = Math.min(end, shares.backloggedUntil(0));
    double ratio = until > from ? shares.window(from, until).shareOverFair(0) : Double.NaN;
    figures.put("spreaderShareOverFair", ratio);
    figures.put("spreaderBackloggedSeconds", (until - t0) / 1e9);
    figures.put("spreaderBackloggedThroughRun", until == end);
    row.add(Format.fixed(ratio, 2));
    row.add(until == end ? "whole run" : "until " + Format.fixed((until - t0) / 1e9, 1) + " s");
  }

  /** The long-job (odd) tenants' share of slot-time and their fair share, into figures and the row. */
  private static void longJobs(ServiceShares.Window whole, Map<String, Object> figures, List<String> row) {
    double share = 0;
    double fair = 0;
    for (int k = 0; k < whole.tenants().length; k++) {
      if (whole.tenants()[k] % 2 == 1) {
        share += whole.servedShare()[k];
        fair += whole.weightShare()[k];
      }
    }
    figures.put("longJobTenantsShare", share);
    figures.put("longJobTenantsFairShare", fair);
    row.add(Format.percent(share) + " (" + Format.percent(fair) + ")");
  }

  /** Mean share/fair of the backlogged tenants of each plan, in {@link PlanWeights#PLANS} order. */
  private static double[] byPlan(ServiceShares.Window w, double[] weights) {
    double[] sum = new double[PlanWeights.PLANS.length];
    int[] count = new int[PlanWeights.PLANS.length];
    for (int t : w.tenants()) {
      for (int p = 0; p < PlanWeights.PLANS.length; p++) {
        if (weights[t] == PlanWeights.PLANS[p]) {
          sum[p] += w.shareOverFair(t);
          count[p]++;
        }
      }
    }
    double[] mean = new double[sum.length];
    for (int p = 0; p < sum.length; p++) {
      mean[p] = count[p] == 0 ? Double.NaN : sum[p] / count[p];
    }
    return mean;
  }

  private static String plans(double[] byPlan) {
    StringJoiner j = new StringJoiner(" / ");
    for (double v : byPlan) {
      j.add(Format.fixed(v, 2));
    }
    return j.toString();
  }

  private static double extreme(ServiceShares.Window w, boolean lowest) {
    double v = lowest ? Double.POSITIVE_INFINITY : 0;
    for (int t : w.tenants()) {
      v = lowest ? Math.min(v, w.shareOverFair(t)) : Math.max(v, w.shareOverFair(t));
    }
    return w.tenants().length == 0 ? Double.NaN : v;
  }

  private static String worst(ServiceShares.Window w) {
    return w.tenants().length == 0 ? "n/a"
        : Format.fixed(extreme(w, true), 2) + " .. " + Format.fixed(extreme(w, false), 2);
  }

  private static Map<String, Object> windowJson(ServiceShares.Window w, String[] names) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fromNanos", w.from());
    m.put("toNanos", w.to());
    m.put("jain", w.jain());
    m.put("maxRelativeError", w.maxRelativeError());
    List<String> ts = new ArrayList<>();
    for (int t : w.tenants()) {
      ts.add(names[t]);
    }
    m.put("tenants", ts);
    m.put("servedShare", w.servedShare());
    m.put("weightShare", w.weightShare());
    return m;
  }

  /** Two tenants of each plan among those backlogged through the run, their service over time. */
  private static Map<String, double[][]> cumulative(List<Execution> runs, long t0, String[] names,
      double[] weights, ServiceShares.Window whole) {
    List<Integer> picked = new ArrayList<>();
    for (double plan : PlanWeights.PLANS) {
      int n = 0;
      for (int t : whole.tenants()) {
        if (weights[t] == plan && n < 2) {
          picked.add(t);
          n++;
        }
      }
    }
    if (!picked.contains(0)) {
      picked.add(0, 0);
    }
    Map<String, double[][]> out = new LinkedHashMap<>();
    for (int t : picked) {
      List<Execution> mine = runs.stream().filter(e -> e.tenant() == t)
          .sorted((a, b) -> Long.compare(a.finish(), b.finish())).toList();
      double[] x = new double[mine.size() + 1];
      double[] y = new double[mine.size() + 1];
      double sum = 0;
      for (int k = 0; k < mine.size(); k++) {
        Execution e = mine.get(k);
        sum += (e.finish() - e.start()) / 1e9;
        x[k + 1] = (e.finish() - t0) / 1e9;
        y[k + 1] = sum;
      }
      out.put(names[t] + " (w=" + (int) weights[t] + ")", new double[][] {x, y});
    }
    return out;
  }
}
