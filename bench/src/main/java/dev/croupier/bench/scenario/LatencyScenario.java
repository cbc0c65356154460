package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.metrics.Percentiles;
import dev.croupier.bench.report.Charts;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency on an idle system: one job at a time, enqueued when nothing else is queued; the time
 * from just before the enqueue call to the handler's first instruction. Pauses between jobs are
 * random so they do not fall into step with anyone's poll interval. The design's target: p50
 * {@code <=} 2 ms, p99 {@code <=} 10 ms.
 */
public final class LatencyScenario implements Scenario {

  /** Most samples per contender. */
  public static final int MAX_SAMPLES = 2000;
  /** Longest random pause between two jobs. */
  public static final Duration MAX_PAUSE = Duration.ofMillis(5);
  /** Samples taken first and dropped (JIT, connection pools). */
  static final Duration WARMUP = Duration.ofSeconds(1);
  /** How long one job may take to start before the run gives up on the contender. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public String description() {
    return "enqueue to handler start on an idle system, one job at a time: p50 / p99 / max";
  }

  @Override
  public Report run(ScenarioSettings s) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("maxSamples", MAX_SAMPLES);
    params.put("maxPauseMs", MAX_PAUSE.toMillis());
    params.put("warmupSeconds", WARMUP.toSeconds());
    params.put("warmUpPassSeconds", ThroughputScenario.warmUpPass(s).toMillis() / 1000.0);
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    Report report = new Report(name(), s.command(), params);
    List<String> header = new ArrayList<>(List.of("contender", "samples", "p50", "p99", "max", "mean"));
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);
    Map<String, long[]> all = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(Contenders.ALL);
    names.add(Contenders.CROUPIER_PROTOCOL);
    // A node that has served load has compiled its path; at 200 jobs a second the sampling span
    // alone compiles little, and the first contender of a run paid for what the others shared.
    Duration pass = ThroughputScenario.warmUp(s, name(), s.contendersOr(names));
    ContenderLoop.run(s, report, s.contendersOr(names), false, s.claimThreads(), (c, figures) -> {
      BlockingQueue<Long> starts = new ArrayBlockingQueue<>(16);
      c.start(s.slots(), job -> starts.add(System.nanoTime()));
      SplittableRandom random = new SplittableRandom(s.seed());
      long[] waits = new long[MAX_SAMPLES];
      int n = 0;
      long deadline = System.nanoTime() + s.duration().toNanos();
      Thread.sleep(200); // let the workers reach their idle wait
      RedisProbe probe = new RedisProbe(s.redisUrl());
      probe.start();
      long warmEnd = System.nanoTime() + WARMUP.toNanos();
      int warm = 0;
      while (n < MAX_SAMPLES && System.nanoTime() < deadline) {
        long enqueued = System.nanoTime();
        c.enqueue(List.of(new Job(0, "solo", "", n, 0, enqueued)));
        Long started = starts.poll(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (started == null) {
          throw new IllegalStateException("a job did not start within " + START_TIMEOUT);
        }
        if (enqueued < warmEnd) {
          warm++; // JIT and connection warm-up: not what an idle system's latency means
        } else {
          waits[n++] = started - enqueued;
        }
        LockSupport.parkNanos(random.nextLong(MAX_PAUSE.toNanos()));
      }
      // Every job of the span, warm-up ones too: idle polling is part of what one job costs here.
      RedisProbe.Profile profile = probe.stop(n + warm);
      long[] sample = java.util.Arrays.copyOf(waits, n);
      Percentiles p = Percentiles.of(sample);
      figures.put("samples", n);
      figures.put("warmupSamples", warm);
      figures.put("p50Nanos", p.percentile(50));
      figures.put("p99Nanos", p.percentile(99));
      figures.put("maxNanos", p.max());
      figures.put("meanNanos", p.mean());
      figures.put("profile", profile.toJson());
      List<String> row = new ArrayList<>(List.of(c.name(), Integer.toString(n), Format.nanos(p.percentile(50)),
          Format.nanos(p.percentile(99)), Format.nanos(p.max()), Format.nanos((long) p.mean())));
      row.addAll(profile.cells());
      table.row(row);
      all.put(c.name(), sample);
    });
    report.table(table);
    report.note("target (DESIGN.md): p50 <= 2 ms, p99 <= 10 ms. croupier-uniform/-weighted run embedded;"
        + " croupier-protocol goes client -> node -> worker SDK over loopback TCP; croupier-peers enqueues"
        + " through one engine and runs the job on another."
        + " Polling baselines back off to " + 20 + " ms when idle. Per job: Redis CPU, commands and"
        + " JVM CPU over the sampling span divided by every job it ran (warm-up included), so idle"
        + " polling between jobs counts. Each contender first ran the throughput scenario's load for "
        + pass.toSeconds() + " s, unmeasured, then a fresh one was sampled idle");
    if (s.charts() && !all.isEmpty()) {
      var file = s.outDir().resolve(name() + "-waits.png");
      Charts.waitDistribution(file, "idle latency: enqueue to handler start", all);
      report.chart(file);
    }
    return report;
  }
}
