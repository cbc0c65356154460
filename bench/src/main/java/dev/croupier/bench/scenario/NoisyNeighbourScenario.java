package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.metrics.Execution;
import dev.croupier.bench.metrics.Percentiles;
import dev.croupier.bench.report.Charts;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import dev.croupier.bench.workload.Arrivals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant with a huge backlog (1,000,000 jobs at scale 1), and late tenants arriving with small
 * bursts while it drains: how long until each late tenant's first job starts, and how long its
 * jobs wait. The design's target: first start p99 {@code <=} 50 ms.
 */
public final class NoisyNeighbourScenario implements Scenario {

  /** The big tenant's backlog at scale 1. */
  public static final long BACKLOG = 1_000_000;
  /** Tenants arriving late. */
  public static final int LATE_TENANTS = 20;
  /** Jobs in each late tenant's burst. */
  public static final int BURST = 10;
  /** Every job's duration. */
  public static final Duration COST = Duration.ofMillis(10);
  /** The first-start target (DESIGN.md). */
  static final Duration TARGET_FIRST_START_P99 = Duration.ofMillis(50);

  @Override
  public String name() {
    return "noisy-neighbour";
  }

  @Override
  public String description() {
    return "one tenant with a 1,000,000-job backlog, " + LATE_TENANTS
        + " tenants arriving later with small bursts: time to first start, waits";
  }

  @Override
  public Report run(ScenarioSettings s) {
    long backlog = s.scaled(BACKLOG, 1000);
    long duration = s.duration().toNanos();
    Duration[] arrivals = Arrivals.evenly(LATE_TENANTS, s.duration().multipliedBy(15).dividedBy(100),
        s.duration().multipliedBy(55).dividedBy(100));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("backlog", backlog);
    params.put("lateTenants", LATE_TENANTS);
    params.put("burst", BURST);
    params.put("costMs", COST.toMillis());
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("arrivalsSeconds", Arrays.stream(arrivals).mapToDouble(d -> d.toMillis() / 1000.0).toArray());
    Report report = new Report(name(), s.command(), params);
    MarkdownTable table = new MarkdownTable(List.of("contender", "backlog load", "late first start p50",
        "p99", "max", "late job wait p50", "p99", "late jobs started", "big tenant jobs/s"));
    Map<String, long[]> waitsByContender = new LinkedHashMap<>();

    ContenderLoop.run(s, report, s.contendersOr(Contenders.ALL), false, s.claimThreads(), (contender, figures) -> {
      ContenderLoop.progress(name(), contender.name(), "loading " + backlog + " jobs for tenant big");
      double load = Backlogs.load(contender, backlog, i -> new Job(0, "big", "", i, COST.toNanos() / 1000, 0));
      figures.put("backlogLoadSeconds", load);
      ContenderLoop.progress(name(), contender.name(), String.format("loaded in %.1f s; running", load));
      Trace trace = new Trace();
      long t0 = System.nanoTime();
      contender.start(s.slots(), trace);
      long[] arrivedAt = new long[LATE_TENANTS];
      long seq = backlog;
      for (int t = 0; t < LATE_TENANTS; t++) {
        Pacing.sleepUntil(t0 + arrivals[t].toNanos());
        List<Job> burst = new ArrayList<>();
        long now = System.nanoTime();
        for (int k = 0; k < BURST; k++) {
          burst.add(new Job(t + 1, String.format("late%02d", t), "", seq++, COST.toNanos() / 1000, now));
        }
        arrivedAt[t] = now;
        contender.enqueue(burst);
      }
      Pacing.sleepUntil(t0 + duration);
      long end = System.nanoTime();
      List<Execution> runs = trace.executions();
      analyse(runs, t0, end, arrivedAt, figures, table, contender.name(), load, waitsByContender);
    });

    report.table(table);
    report.note("target (DESIGN.md): a late tenant's first job starts within "
        + TARGET_FIRST_START_P99.toMillis() + " ms (p99); 'never' = not started within the run");
    if (s.charts() && !waitsByContender.isEmpty()) {
      var file = s.outDir().resolve(name() + "-waits.png");
      Charts.waitDistribution(file, "noisy neighbour: late tenants' job waits (started jobs)", waitsByContender);
      report.chart(file);
    }
    return report;
  }

  private static void analyse(List<Execution> runs, long t0, long end, long[] arrivedAt,
      Map<String, Object> figures, MarkdownTable table, String name, double load,
      Map<String, long[]> waitsByContender) {
    long[] firstStart = new long[LATE_TENANTS];
    Arrays.fill(firstStart, Long.MAX_VALUE);
    List<Long> waits = new ArrayList<>();
    long bigStarted = 0;
    int lateStarted = 0;
    for (Execution e : runs) {
      if (e.tenant() == 0) {
        if (e.start() <= end) {
          bigStarted++;
        }
        continue;
      }
      int t = e.tenant() - 1;
      firstStart[t] = Math.min(firstStart[t], e.start() - arrivedAt[t]);
      waits.add(e.waitNanos());
      lateStarted++;
    }
    long[] startedWaits = waits.stream().mapToLong(Long::longValue).toArray();
    long[] allWaits = Arrays.copyOf(startedWaits, LATE_TENANTS * BURST);
    Arrays.fill(allWaits, startedWaits.length, allWaits.length, Long.MAX_VALUE);
    Percentiles first = Percentiles.of(firstStart);
    Percentiles wait = Percentiles.of(allWaits);
    double bigRate = bigStarted / ((end - t0) / 1e9);
    figures.put("lateFirstStartNanos", firstStart);
    figures.put("lateFirstStartP50Nanos", first.percentile(50));
    figures.put("lateFirstStartP99Nanos", first.percentile(99));
    figures.put("lateFirstStartMaxNanos", first.max());
    figures.put("lateWaitP50Nanos", wait.percentile(50));
    figures.put("lateWaitP99Nanos", wait.percentile(99));
    figures.put("lateJobsStarted", lateStarted);
    figures.put("lateJobsTotal", LATE_TENANTS * BURST);
    figures.put("bigTenantJobsPerSecond", bigRate);
    figures.put("meetsFirstStartTarget", first.percentile(99) <= TARGET_FIRST_START_P99.toNanos());
    table.row(List.of(name, Format.fixed(load, 1) + " s", Format.nanos(first.percentile(50)),
        Format.nanos(first.percentile(99)), Format.nanos(first.max()), Format.nanos(wait.percentile(50)),
        Format.nanos(wait.percentile(99)), lateStarted + "/" + LATE_TENANTS * BURST, Format.rate(bigRate)));
    waitsByContender.put(name, startedWaits);
  }
}
