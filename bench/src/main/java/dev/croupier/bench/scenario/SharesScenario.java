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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Saturation with 100 tenants whose backlogs are Zipf-sized and whose plans weigh 1, 2, 4 or 8:
 * each tenant's share of served cost against its weight's share, per window and over the run, and
 * Jain's index of weighted shares. Variants: one tenant spreads its backlog over 1,000 queues
 * ({@code shares-spread}); half the tenants' jobs run ten times longer ({@code shares-cost}).
 * The design's target: Jain >= 0.98 in each.
 */
public final class SharesScenario implements Scenario {

  /** The three workloads. */
  public enum Variant {
    /** Every job costs the same. */
    PLAIN("shares", "100 tenants, Zipf backlogs, plan weights: weighted shares of served cost"),
    /** Tenant t000 spreads its backlog over {@link #SPREAD_QUEUES} queues (keys). */
    SPREAD("shares-spread", "as shares, but the largest tenant spreads its backlog over 1,000 queues"),
    /** Odd tenants' jobs run ten times longer than even tenants'. */
    COST("shares-cost", "as shares, but odd tenants' jobs run 10x longer: cost fairness");

    private final String scenarioName;
    private final String description;

    Variant(String scenarioName, String description) {
      this.scenarioName = scenarioName;
      this.description = description;
    }
  }

  /** Tenants in the run. */
  public static final int TENANTS = 100;
  /** All tenants' backlogs together at scale 1. */
  public static final long TOTAL_JOBS = 200_000;
  /** Zipf exponent of the backlog sizes. */
  public static final double ZIPF_EXPONENT = 1.0;
  /** A job's duration (short jobs in the cost variant). */
  public static final Duration COST = Duration.ofMillis(10);
  /** Short and long job durations in the cost variant: tenfold apart. */
  public static final Duration SHORT_COST = Duration.ofMillis(5);
  public static final Duration LONG_COST = Duration.ofMillis(50);
  /** Queues the spreading tenant uses. */
  public static final int SPREAD_QUEUES = 1000;
  /** Jain's index target (DESIGN.md). */
  static final double TARGET_JAIN = 0.98;
  /** Windows the measured span is cut into. */
  static final int WINDOWS = 6;

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

  @Override
  public Report run(ScenarioSettings s) {
    long total = s.scaled(TOTAL_JOBS, TENANTS * 10L);
    String[] tenants = new String[TENANTS];
    for (int i = 0; i < TENANTS; i++) {
      tenants[i] = String.format("t%03d", i);
    }
    double[] weights = PlanWeights.draw(TENANTS, s.seed());
    long[] sizes = Zipf.sizes(TENANTS, ZIPF_EXPONENT, total);
    List<Job> jobs = jobs(tenants, sizes, s.seed());
    Duration warmup = s.duration().dividedBy(10);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("variant", variant.name().toLowerCase());
    params.put("tenants", TENANTS);
    params.put("totalJobs", total);
    params.put("zipfExponent", ZIPF_EXPONENT);
    params.put("backlogs", sizes);
    params.put("weights", weights);
    params.put("costMs", costs());
    params.put("spreadQueues", variant == Variant.SPREAD ? SPREAD_QUEUES : 1);
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("warmupSeconds", warmup.toMillis() / 1000.0);
    params.put("windows", WINDOWS);
    Report report = new Report(name(), s.command(), params);
    List<String> header = new ArrayList<>(List.of("contender", "load", "Jain (run)", "Jain per window mean",
        "min", "worst tenant share/fair", "tenants backlogged", "jobs/s"));
    if (variant == Variant.SPREAD) {
      header.add("t000 (1,000 queues) share/fair");
    }
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);

    ContenderLoop.run(s, report, s.contendersOr(Contenders.ALL), variant == Variant.SPREAD, s.claimThreads(), (c, figures) -> {
      c.configureWeights(tenants, weights);
      ContenderLoop.progress(name(), c.name(), "loading " + jobs.size() + " jobs over " + TENANTS + " tenants");
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
      List<Execution> runs = trace.executions();
      ServiceShares shares = new ServiceShares(runs, weights, sizes);
      long from = t0 + warmup.toNanos();
      ServiceShares.Window whole = shares.window(from, end);
      List<ServiceShares.Window> windows = shares.windows(from, end, (end - from) / WINDOWS);
      double mean = windows.stream().mapToDouble(ServiceShares.Window::jain).filter(Double::isFinite)
          .average().orElse(Double.NaN);
      double min = windows.stream().mapToDouble(ServiceShares.Window::jain).filter(Double::isFinite)
          .min().orElse(Double.NaN);
      long served = runs.stream().filter(e -> e.start() <= end).count();
      double rate = served / ((end - t0) / 1e9);
      figures.put("jain", whole.jain());
      figures.put("jainWindowMean", mean);
      figures.put("jainWindowMin", min);
      figures.put("maxRelativeShareError", whole.maxRelativeError());
      figures.put("tenantsBacklogged", whole.tenants().length);
      figures.put("jobsPerSecond", rate);
      figures.put("meetsJainTarget", whole.jain() >= TARGET_JAIN);
      figures.put("run", windowJson(whole, tenants));
      List<Object> ws = new ArrayList<>();
      for (ServiceShares.Window w : windows) {
        ws.add(windowJson(w, tenants));
      }
      figures.put("windows", ws);
      List<String> row = new ArrayList<>(List.of(c.name(), Format.fixed(load, 1) + " s",
          Format.fixed(whole.jain(), 3), Format.fixed(mean, 3), Format.fixed(min, 3),
          worst(whole), whole.tenants().length + "/" + TENANTS, Format.rate(rate)));
      if (variant == Variant.SPREAD) {
        double ratio = ratioOf(whole, 0);
        figures.put("spreaderShareOverFair", ratio);
        row.add(Format.fixed(ratio, 2));
      }
      row.addAll(profile.cells());
      table.row(row);
      if (s.charts()) {
        var file = s.outDir().resolve(name() + "-service-" + c.name() + ".png");
        Charts.cumulativeService(file, name() + ": cumulative service per tenant, " + c.name(),
            cumulative(runs, t0, tenants, weights, whole));
        report.chart(file);
      }
    });

    report.table(table);
    report.note("Jain's index of weighted shares over tenants backlogged through the measured span"
        + " (after " + warmup.toMillis() / 1000.0 + " s warm-up); target (DESIGN.md) >= " + TARGET_JAIN
        + ". share/fair = a tenant's share of served cost over its weight's share; 1.00 is exact."
        + " Per job: Redis CPU, commands and JVM CPU while the workers ran, divided by the jobs started"
        + " then (the backlog was loaded before: claiming and completing, not enqueueing)");
    return report;
  }

  private double[] costs() {
    return variant == Variant.COST
        ? new double[] {SHORT_COST.toMillis(), LONG_COST.toMillis()}
        : new double[] {COST.toMillis()};
  }

  private List<Job> jobs(String[] tenants, long[] sizes, long seed) {
    List<Job> jobs = new ArrayList<>();
    long seq = 0;
    for (int i = 0; i < tenants.length; i++) {
      Duration cost = variant != Variant.COST ? COST : (i % 2 == 0 ? SHORT_COST : LONG_COST);
      for (long k = 0; k < sizes[i]; k++) {
        String queue = variant == Variant.SPREAD && i == 0 ? "q" + (k % SPREAD_QUEUES) : "";
        jobs.add(new Job(i, tenants[i], queue, seq++, cost.toNanos() / 1000, 0));
      }
    }
    // Producers' jobs arrive interleaved, not tenant by tenant: a FIFO sees a realistic mix.
    Collections.shuffle(jobs, new Random(seed));
    return jobs;
  }

  private static String worst(ServiceShares.Window w) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int k = 0; k < w.tenants().length; k++) {
      double r = w.servedShare()[k] / w.weightShare()[k];
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
    }
    return w.tenants().length == 0 ? "n/a" : Format.fixed(lo, 2) + " .. " + Format.fixed(hi, 2);
  }

  private static double ratioOf(ServiceShares.Window w, int tenant) {
    for (int k = 0; k < w.tenants().length; k++) {
      if (w.tenants()[k] == tenant) {
        return w.servedShare()[k] / w.weightShare()[k];
      }
    }
    return Double.NaN;
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
