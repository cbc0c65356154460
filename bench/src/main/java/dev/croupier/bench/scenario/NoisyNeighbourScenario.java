package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.metrics.Percentiles;
import dev.croupier.bench.metrics.RunFigures;
import dev.croupier.bench.metrics.RunTally;
import dev.croupier.bench.metrics.TenantTally;
import dev.croupier.bench.report.Charts;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.LiveTable;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One tenant with a huge backlog (1,000,000 jobs at scale 1), and late tenants arriving with small
 * bursts while it drains: how long until each late tenant's first job starts, and how long its
 * jobs wait. The design's target: first start p99 {@code <=} 50 ms. The workload is a
 * {@link NoisyNeighbourOptions}: the benchmark's by default, the demo's in {@link NoisyNeighbourDemo}.
 */
public final class NoisyNeighbourScenario implements Scenario {

  /** The first-start target (DESIGN.md). */
  static final Duration TARGET_FIRST_START_P99 = Duration.ofMillis(50);

  /**
   * What a run of the scenario produced.
   *
   * @param report the benchmark report (figures, table, notes)
   * @param runs each contender's per-tenant figures, by contender name, for the contenders that
   *     completed
   */
  public record Outcome(Report report, Map<String, RunFigures> runs) {
    /** Keeps the runs in order, unmodifiable. */
    public Outcome {
      Objects.requireNonNull(report, "report");
      runs = Collections.unmodifiableMap(new LinkedHashMap<>(runs));
    }
  }

  private final Function<ScenarioSettings, NoisyNeighbourOptions> workload;
  private final LiveTable live;

  /** The benchmark: {@link NoisyNeighbourOptions#forBenchmark}, progress lines on stderr. */
  public NoisyNeighbourScenario() {
    this(NoisyNeighbourOptions::forBenchmark, null);
  }

  /** The scenario with {@code workload}; {@code live}, unless null, follows each contender's run. */
  public NoisyNeighbourScenario(NoisyNeighbourOptions workload, LiveTable live) {
    this(fixed(workload), live);
  }

  private NoisyNeighbourScenario(Function<ScenarioSettings, NoisyNeighbourOptions> workload, LiveTable live) {
    this.workload = workload;
    this.live = live;
  }

  private static Function<ScenarioSettings, NoisyNeighbourOptions> fixed(NoisyNeighbourOptions w) {
    Objects.requireNonNull(w, "workload");
    return s -> w;
  }

  @Override
  public String name() {
    return "noisy-neighbour";
  }

  @Override
  public String description() {
    return "one tenant with a 1,000,000-job backlog, " + NoisyNeighbourOptions.DEFAULT_LATE_TENANT_COUNT
        + " tenants arriving later with small bursts: time to first start, waits";
  }

  @Override
  public Report run(ScenarioSettings s) {
    return compare(s).report();
  }

  /** Runs every contender in turn; returns the report and each contender's per-tenant figures. */
  public Outcome compare(ScenarioSettings s) {
    NoisyNeighbourOptions w = workload.apply(s);
    Report report = new Report(name(), s.command(), parameters(w, s));
    List<String> header = new ArrayList<>(List.of("contender", "backlog load", "late first start p50",
        "p99", "max", "late job wait p50", "p99", "late jobs started", "big tenant jobs/s"));
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);
    Map<String, long[]> waitsByContender = new LinkedHashMap<>();
    Map<String, RunFigures> runs = new LinkedHashMap<>();
    NoisyNeighbourRun runner = new NoisyNeighbourRun(w, s.duration(), s.slots());

    ContenderLoop.run(s, report, s.contendersOr(Contenders.ALL), false, s.claimThreads(), (contender, figures) -> {
      RedisProbe probe = new RedisProbe(s.redisUrl());
      RunTally tally = runOne(runner, contender, w, s, probe);
      RedisProbe.Profile profile = probe.stop(tally.tenants().stream().mapToLong(TenantTally::started).sum());
      figures.put("profile", profile.toJson());
      runs.put(contender.name(), tally.figures());
      waitsByContender.put(contender.name(), analyse(w, tally, figures, table, contender.name(), profile));
    });

    report.table(table);
    report.note("target (DESIGN.md): a late tenant's first job starts within "
        + TARGET_FIRST_START_P99.toMillis() + " ms (p99); 'never' = not started within the run");
    report.note("per job: Redis CPU, commands and JVM CPU from the workers' start to the run's end,"
        + " divided by the jobs started then" + (w.preload() ? " (the preloaded backlog's enqueue is not in it)"
        : " (the big tenant's enqueue, made while the workers run, is in it)"));
    if (s.charts() && !waitsByContender.isEmpty()) {
      var file = s.outDir().resolve(name() + "-waits.png");
      Charts.waitDistribution(file, "noisy neighbour: late tenants' job waits (started jobs)", waitsByContender);
      report.chart(file);
    }
    return new Outcome(report, runs);
  }

  /** Runs the workload through {@code contender}, followed by the live table or a progress line. */
  private RunTally runOne(NoisyNeighbourRun runner, Contender contender, NoisyNeighbourOptions w,
      ScenarioSettings s, RedisProbe probe) {
    if (live == null) {
      ContenderLoop.progress(name(), contender.name(), String.format("%s %,d jobs for %s, then %d late"
          + " tenants x %d", w.preload() ? "loading" : "running while enqueueing", w.backlog(),
          w.bigTenant(), w.lateTenants().size(), w.burst()));
      return runner.run(contender, tally -> {}, probe::start);
    }
    String title = String.format("%s   %d slots x %d ms", contender.name(), s.slots(), w.jobCost().toMillis());
    try {
      return runner.run(contender, tally -> live.follow(title, s.duration(), tally), probe::start);
    } finally {
      live.stop();
    }
  }

  private static Map<String, Object> parameters(NoisyNeighbourOptions w, ScenarioSettings s) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("backlog", w.backlog());
    params.put("lateTenants", w.lateTenants().size());
    params.put("burst", w.burst());
    params.put("costMs", w.jobCost().toMillis());
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("arrivalsSeconds", Arrays.stream(w.arrivals()).mapToDouble(d -> d.toMillis() / 1000.0).toArray());
    params.put("preload", w.preload());
    params.put("batch", w.batch());
    return params;
  }

  /** Puts the late tenants' figures into {@code figures} and a table row; returns their waits. */
  private static long[] analyse(NoisyNeighbourOptions w, RunTally tally, Map<String, Object> figures,
      MarkdownTable table, String name, RedisProbe.Profile profile) {
    List<String> late = w.lateTenants();
    long[] firstStart = new long[late.size()];
    long[][] waitsByTenant = new long[late.size()][];
    int lateStarted = 0;
    for (int t = 0; t < late.size(); t++) {
      TenantTally tenant = tally.tenant(late.get(t));
      firstStart[t] = tenant.firstStartNanos().orElse(Long.MAX_VALUE);
      waitsByTenant[t] = tenant.waitsNanos();
      lateStarted += waitsByTenant[t].length;
    }
    long[] startedWaits = Arrays.stream(waitsByTenant).flatMapToLong(Arrays::stream).toArray();
    // Jobs that never started wait "forever": they count at the top of the distribution.
    long[] allWaits = Arrays.copyOf(startedWaits, (int) Math.max(w.lateJobs(), startedWaits.length));
    Arrays.fill(allWaits, startedWaits.length, allWaits.length, Long.MAX_VALUE);
    Percentiles first = Percentiles.of(firstStart);
    Percentiles wait = Percentiles.of(allWaits);
    double load = tally.bigEnqueueNanos().isPresent() ? tally.bigEnqueueNanos().getAsLong() / 1e9 : Double.NaN;
    double runSeconds = tally.runNanos() / 1e9;
    double bigRate = tally.big().started() / runSeconds;
    figures.put("backlogLoadSeconds", load);
    figures.put("runSeconds", runSeconds);
    figures.put("lateFirstStartNanos", firstStart);
    figures.put("lateFirstStartP50Nanos", first.percentile(50));
    figures.put("lateFirstStartP99Nanos", first.percentile(99));
    figures.put("lateFirstStartMaxNanos", first.max());
    figures.put("lateWaitP50Nanos", wait.isEmpty() ? null : wait.percentile(50));
    figures.put("lateWaitP99Nanos", wait.isEmpty() ? null : wait.percentile(99));
    figures.put("lateJobsStarted", lateStarted);
    figures.put("lateJobsTotal", w.lateJobs());
    figures.put("bigTenantJobsPerSecond", bigRate);
    figures.put("meetsFirstStartTarget", first.percentile(99) <= TARGET_FIRST_START_P99.toNanos());
    List<String> row = new ArrayList<>(List.of(name, Double.isNaN(load) ? "unfinished" : Format.fixed(load, 1) + " s",
        Format.nanos(first.percentile(50)), Format.nanos(first.percentile(99)), Format.nanos(first.max()),
        wait.isEmpty() ? "-" : Format.nanos(wait.percentile(50)),
        wait.isEmpty() ? "-" : Format.nanos(wait.percentile(99)),
        lateStarted + "/" + w.lateJobs(), Format.rate(bigRate)));
    row.addAll(profile.cells());
    table.row(row);
    return startedWaits;
  }
}
