package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.contender.TenantRingContender;
import dev.croupier.bench.metrics.Execution;
import dev.croupier.bench.metrics.FirstStarts;
import dev.croupier.bench.metrics.Percentiles;
import dev.croupier.bench.metrics.ServiceShares;
import dev.croupier.bench.metrics.SlotTime;
import dev.croupier.bench.report.Charts;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import dev.croupier.bench.workload.Arrivals;
import dev.croupier.bench.workload.PlanWeights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tenant churn: 10,000 small tenants (3 jobs each) arrive one by one over 90 s (both scaled by
 * {@code --scale}) beside two 50,000-job backlogs (scaled too). How long until each small tenant's
 * first job starts (p50 / p99), and which fraction of the slots' time went to running jobs: a
 * scheduler that spends its time on tenants coming and going leaves slots idle. The backlogs'
 * jobs run 50 ms, so they outlast the arrivals at any scale (2 x 50,000 x 50 ms over 32 slots is
 * 156 s against 90 s).
 */
public final class ChurnScenario implements Scenario {

  /** Small tenants at scale 1. */
  public static final int SMALL_TENANTS = 10_000;
  /** Jobs each small tenant enqueues, in one call, when it arrives. */
  public static final int JOBS_PER_SMALL = 3;
  /** Over how long the small tenants arrive at scale 1. */
  public static final Duration ARRIVAL_SPAN = Duration.ofSeconds(90);
  /** When the first small tenant arrives, after the workers start. */
  public static final Duration FIRST_ARRIVAL = Duration.ofSeconds(1);
  /** Tenants with a backlog. */
  public static final int BIG_TENANTS = 2;
  /** Each backlog at scale 1. */
  public static final long BIG_BACKLOG = 50_000;
  /** How long a small tenant's job runs. */
  public static final Duration SMALL_COST = Duration.ofMillis(10);
  /** How long a backlog job runs. */
  public static final Duration BIG_COST = Duration.ofMillis(50);
  /** The least time a run goes on after the last arrival. */
  static final Duration MIN_WATCH = Duration.ofSeconds(2);

  @Override
  public String name() {
    return "churn";
  }

  @Override
  public String description() {
    return "10,000 small tenants arriving over 90 s beside two 50,000-job backlogs: first start, busy slots";
  }

  @Override
  public Report run(ScenarioSettings s) {
    int small = (int) s.scaled(SMALL_TENANTS, 10);
    long backlog = s.scaled(BIG_BACKLOG, 1_000);
    Duration span = Duration.ofNanos(Math.round(ARRIVAL_SPAN.toNanos() * s.scale()));
    Duration[] schedule = Arrivals.evenly(small, FIRST_ARRIVAL, span);
    Duration runFor = max(s.duration(), FIRST_ARRIVAL.plus(span).plus(MIN_WATCH));
    List<Job> backlogJobs = backlogJobs(backlog);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("smallTenants", small);
    params.put("jobsPerSmallTenant", JOBS_PER_SMALL);
    params.put("arrivalSpanSeconds", span.toMillis() / 1000.0);
    params.put("firstArrivalSeconds", FIRST_ARRIVAL.toMillis() / 1000.0);
    params.put("bigTenants", BIG_TENANTS);
    params.put("bigBacklog", backlog);
    params.put("smallCostMs", SMALL_COST.toMillis());
    params.put("bigCostMs", BIG_COST.toMillis());
    params.put("slots", s.slots());
    params.put("seconds", runFor.toMillis() / 1000.0);
    Report report = new Report(name(), s.command(), params);
    List<String> header = new ArrayList<>(List.of("contender", "small tenants started", "first start p50", "p99",
        "max", "small job wait p50", "p99", "busy slot-time", "backlog jobs/s", "arrival lag max"));
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);
    Map<String, long[]> firstByContender = new LinkedHashMap<>();
    List<String> names = s.contendersOr(List.of(TenantRingContender.NAME, Contenders.CROUPIER_UNIFORM,
        Contenders.CROUPIER_WEIGHTED));

    ContenderLoop.run(s, report, names, false, s.claimThreads(), (c, figures) -> {
      ContenderLoop.progress(name(), c.name(), String.format("loading %,d backlog jobs, then %,d tenants"
          + " arrive over %.0f s", backlogJobs.size(), small, span.toMillis() / 1000.0));
      figures.put("loadSeconds", Backlogs.load(c, backlogJobs));
      Trace trace = new Trace();
      RedisProbe probe = new RedisProbe(s.redisUrl());
      probe.start();
      long t0 = System.nanoTime();
      c.start(s.slots(), trace);
      long[] arrivals = arrive(c, t0, schedule, backlogJobs.size());
      long end = t0 + runFor.toNanos();
      Pacing.sleepUntil(end);
      RedisProbe.Profile profile = probe.stop(trace.started());
      figures.put("profile", profile.toJson());
      // Jobs started before the end finish within one job's time: let them, so their slot-time counts.
      Pacing.sleepUntil(System.nanoTime() + 4 * BIG_COST.toNanos());
      List<Execution> runs = trace.executions();
      long[] first = FirstStarts.of(runs, BIG_TENANTS, arrivals, end);
      firstByContender.put(c.name(), Arrays.stream(first).filter(f -> f != FirstStarts.NEVER).toArray());
      List<String> row = new ArrayList<>(List.of(c.name()));
      row.addAll(analyse(runs, first, arrivals, schedule, t0, end, backlog, s.slots(), figures));
      row.addAll(profile.cells());
      table.row(row);
    });

    report.table(table);
    report.note("first start = from a small tenant's enqueue to its first job's start ('never': not within"
        + " the run); busy slot-time = the fraction of " + s.slots() + " slots x the span from the first"
        + " arrival to the end (or until a backlog ran dry) spent running jobs; arrival lag = how far the"
        + " enqueue calls fell behind the schedule. Per job: Redis CPU, commands and JVM CPU from the"
        + " workers' start to the end over the jobs started (the backlog's enqueue is not in it)");
    if (s.charts() && !firstByContender.isEmpty()) {
      var file = s.outDir().resolve(name() + "-first-starts.png");
      Charts.waitDistribution(file, "churn: small tenants' first start", firstByContender);
      report.chart(file);
    }
    return report;
  }

  /** The two backlogs, interleaved, tenants 0 and 1. */
  private static List<Job> backlogJobs(long perTenant) {
    List<Job> jobs = new ArrayList<>();
    long costMicros = BIG_COST.toNanos() / 1000;
    for (long k = 0; k < perTenant; k++) {
      for (int t = 0; t < BIG_TENANTS; t++) {
        jobs.add(new Job(t, "big" + t, "", k * BIG_TENANTS + t, costMicros, 0));
      }
    }
    return jobs;
  }

  /**
   * Lets each small tenant arrive on schedule, numbering its jobs from {@code firstSeq}; returns
   * when each one's enqueue call went out.
   */
  private static long[] arrive(Contender c, long t0, Duration[] schedule, long firstSeq) {
    long[] at = new long[schedule.length];
    long costMicros = SMALL_COST.toNanos() / 1000;
    for (int k = 0; k < schedule.length; k++) {
      Pacing.sleepUntil(t0 + schedule[k].toNanos());
      String tenant = String.format("c%05d", k);
      long now = System.nanoTime();
      List<Job> jobs = new ArrayList<>(JOBS_PER_SMALL);
      for (int j = 0; j < JOBS_PER_SMALL; j++) {
        jobs.add(new Job(BIG_TENANTS + k, tenant, "", firstSeq + (long) k * JOBS_PER_SMALL + j, costMicros, now));
      }
      at[k] = now;
      c.enqueue(jobs);
    }
    return at;
  }

  /** The figures of one contender's run, into {@code figures}; returns its table cells. */
  private static List<String> analyse(List<Execution> runs, long[] first, long[] arrivals,
      Duration[] schedule, long t0, long end, long backlog, int slots, Map<String, Object> figures) {
    int small = arrivals.length;
    long[] sizes = new long[BIG_TENANTS + small];
    Arrays.fill(sizes, 0, BIG_TENANTS, backlog);
    Arrays.fill(sizes, BIG_TENANTS, sizes.length, JOBS_PER_SMALL);
    ServiceShares shares = new ServiceShares(runs, PlanWeights.uniform(sizes.length), sizes);
    long busyTo = end;
    for (int t = 0; t < BIG_TENANTS; t++) {
      busyTo = Math.min(busyTo, shares.backloggedUntil(t));
    }
    long busyFrom = t0 + schedule[0].toNanos();
    double busy = busyTo > busyFrom ? SlotTime.busyFraction(runs, slots, busyFrom, busyTo) : Double.NaN;
    List<Long> smallWaits = new ArrayList<>();
    long bigStarted = 0;
    for (Execution e : runs) {
      if (e.start() >= end) {
        continue;
      }
      if (e.tenant() < BIG_TENANTS) {
        bigStarted++;
      } else {
        smallWaits.add(e.waitNanos());
      }
    }
    long[] waits = new long[small * JOBS_PER_SMALL];
    Arrays.fill(waits, FirstStarts.NEVER); // jobs that never started wait "forever"
    for (int i = 0; i < smallWaits.size(); i++) {
      waits[i] = smallWaits.get(i);
    }
    long lag = 0;
    for (int k = 0; k < small; k++) {
      lag = Math.max(lag, arrivals[k] - (t0 + schedule[k].toNanos()));
    }
    long started = Arrays.stream(first).filter(f -> f != FirstStarts.NEVER).count();
    Percentiles p = Percentiles.of(first);
    Percentiles w = Percentiles.of(waits);
    double bigRate = bigStarted / ((end - t0) / 1e9);
    figures.put("smallTenantsStarted", started);
    figures.put("firstStartP50Nanos", p.percentile(50));
    figures.put("firstStartP99Nanos", p.percentile(99));
    figures.put("firstStartMaxNanos", p.max());
    figures.put("smallWaitP50Nanos", w.percentile(50));
    figures.put("smallWaitP99Nanos", w.percentile(99));
    figures.put("busyFraction", busy);
    figures.put("busySpanSeconds", (busyTo - busyFrom) / 1e9);
    figures.put("backlogRanDry", busyTo < end);
    figures.put("backlogJobsPerSecond", bigRate);
    figures.put("arrivalLagMaxNanos", lag);
    return List.of(started + "/" + small, Format.nanos(p.percentile(50)), Format.nanos(p.percentile(99)),
        Format.nanos(p.max()), Format.nanos(w.percentile(50)), Format.nanos(w.percentile(99)),
        Format.percent(busy) + (busyTo < end ? " (until dry)" : ""), Format.rate(bigRate), Format.nanos(lag));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
