package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.FifoListContender;
import dev.croupier.bench.contender.Job;
import dev.croupier.bench.report.Format;
import dev.croupier.bench.report.MarkdownTable;
import dev.croupier.bench.report.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end throughput: producers enqueue batches for 100 tenants as fast as the queue drains
 * (bounded by an outstanding-jobs cap), worker slots run a no-op handler, and the completed jobs
 * per second are compared with the bare list queue (LPUSH / BRPOP with the same Jedis client).
 * The design's target: Croupier at >= 50% of the bare list.
 */
public final class ThroughputScenario implements Scenario {

  /** Producer threads. */
  public static final int PRODUCERS = 2;
  /** Jobs per producer batch. */
  public static final int BATCH = 100;
  /** Tenants the producers cycle through. */
  public static final int TENANTS = 100;
  /** Most jobs enqueued but not yet completed; producers wait above it. */
  public static final long MAX_OUTSTANDING = 20_000;
  /** How often a producer held back by {@link #MAX_OUTSTANDING} looks again. */
  private static final long POLL_NANOS = 1_000_000;
  /** The target ratio against the bare list (DESIGN.md). */
  static final double TARGET_RATIO = 0.5;

  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public String description() {
    return "end to end jobs/s (enqueue, dispatch, no-op handler, ack) against a bare LPUSH/BRPOP list";
  }

  @Override
  public Report run(ScenarioSettings s) {
    Duration warmup = s.duration().dividedBy(10);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("producers", PRODUCERS);
    params.put("batch", BATCH);
    params.put("tenants", TENANTS);
    params.put("maxOutstanding", MAX_OUTSTANDING);
    params.put("slots", s.slots());
    params.put("seconds", s.duration().toSeconds());
    params.put("warmupSeconds", warmup.toMillis() / 1000.0);
    params.put("warmUpPassSeconds", warmUpPass(s).toMillis() / 1000.0);
    params.put("croupierPaths", "croupier-uniform/-weighted: embedded (engine.register, no wire protocol);"
        + " croupier-protocol: weighted, client -> node server -> worker SDK over loopback TCP");
    Report report = new Report(name(), s.command(), params);
    List<String> header = new ArrayList<>(List.of("contender", "completed jobs/s", "enqueued jobs/s",
        "vs " + FifoListContender.NAME));
    header.addAll(RedisProbe.COLUMNS);
    MarkdownTable table = new MarkdownTable(header);
    List<String> names = s.contendersOr(List.of(FifoListContender.NAME, Contenders.CROUPIER_UNIFORM,
        Contenders.CROUPIER_WEIGHTED, Contenders.CROUPIER_PROTOCOL));
    Duration pass = warmUp(s, name(), names);
    Map<String, Measured> rates = new LinkedHashMap<>();
    ContenderLoop.run(s, report, names, false, s.claimThreads(), (c, figures) -> {
      Measured m = measure(c, s, warmup);
      figures.put("completedPerSecond", m.completed());
      figures.put("enqueuedPerSecond", m.enqueued());
      figures.put("profile", m.profile().toJson());
      rates.put(c.name(), m);
    });
    Measured bare = rates.get(FifoListContender.NAME);
    rates.forEach((name, m) -> {
      double ratio = bare == null ? Double.NaN : m.completed() / bare.completed();
      report.contender(name).put("ratioToBareList", ratio);
      List<String> row = new ArrayList<>(List.of(name, Format.rate(m.completed()), Format.rate(m.enqueued()),
          Format.fixed(ratio, 2)));
      row.addAll(m.profile().cells());
      table.row(row);
    });
    report.table(table);
    report.note("croupier-uniform and croupier-weighted run embedded (claim loop to an in-process no-op"
        + " handler); croupier-protocol is the end-to-end path: producer client, node server and worker"
        + " SDK over loopback TCP, all in this JVM. Target (DESIGN.md): >= " + TARGET_RATIO
        + " of the bare list's jobs/s. Redis CPU and commands per job come from INFO deltas over"
        + " the measured span (JSON: per-command breakdown); JVM CPU is this whole process, queue CPU"
        + " the part of it that is not the producers' threads (producer-*, croupier-client*) or the"
        + " JIT compilers: engine, node, worker, job threads and GC (Linux only; JSON: by role). Each"
        + " contender first ran once unmeasured (" + pass.toSeconds() + " s), then again, fresh, measured,"
        + " so none pays for compiling code the others share");
    return report;
  }

  /**
   * How long each contender first runs unmeasured (under its own key prefix, closed after) before
   * its measured run: half the duration, at least a second. The JVM compiles a contender's code
   * while it runs, and the Croupier contenders share most of theirs (engine, node, worker SDK):
   * without this pass, whichever came first paid for compiling what the others then used. Two
   * runs of one protocol contender in one JVM, 60 s each, went 15,000-16,000 and 20,000-22,000
   * jobs/s once past their first 15 s; the bare list warms in about a second.
   */
  static Duration warmUpPass(ScenarioSettings s) {
    Duration half = s.duration().dividedBy(2);
    return half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : half;
  }

  /**
   * Runs each of {@code names} once under this scenario's load for {@link #warmUpPass}, unmeasured
   * (its own key prefixes, each contender closed after), so a scenario run next measures code the
   * JVM has compiled. Returns how long each ran.
   */
  static Duration warmUp(ScenarioSettings s, String scenario, List<String> names) {
    Duration pass = warmUpPass(s);
    ScenarioSettings w = new ScenarioSettings(s.redisUrl(), s.runId() + "w", pass, s.scale(), s.slots(),
        names, s.outDir(), false, s.seed(), s.command(), s.claimThreads(), s.rivals());
    ContenderLoop.run(w, new Report(scenario + " warm-up", s.command(), Map.of()), names, false,
        s.claimThreads(), (c, figures) -> measure(c, w, pass.dividedBy(10)));
    return pass;
  }

  /** Completed and enqueued jobs per second after the warm-up, and what that span cost. */
  private record Measured(double completed, double enqueued, RedisProbe.Profile profile) {}

  private static Measured measure(Contender c, ScenarioSettings s, Duration warmup)
      throws InterruptedException {
    RedisProbe probe = new RedisProbe(s.redisUrl());
    LongAdder completed = new LongAdder();
    LongAdder enqueued = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    c.start(s.slots(), job -> completed.increment());
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      producers.add(Thread.ofPlatform().daemon().name("producer-" + p).start(() -> {
        long seq = (long) producer << 40;
        int tenant = producer;
        while (running.get()) {
          if (enqueued.sum() - completed.sum() > MAX_OUTSTANDING) {
            // A millisecond drains well under 100 of the 20,000 outstanding jobs at any rate seen
            // here, so the backlog never runs dry; polling every 200 us instead cost the run a
            // tenth of a core (two producers waking 10,000 times a second), taken from the
            // contender being measured.
            LockSupport.parkNanos(POLL_NANOS);
            continue;
          }
          List<Job> batch = new ArrayList<>(BATCH);
          long now = System.nanoTime();
          String name = String.format("t%03d", tenant);
          for (int k = 0; k < BATCH; k++) {
            batch.add(new Job(tenant, name, "", seq++, 0, now));
          }
          tenant = (tenant + PRODUCERS) % TENANTS;
          c.enqueue(batch);
          enqueued.add(BATCH);
        }
      }));
    }
    long t0 = System.nanoTime();
    Pacing.sleepUntil(t0 + warmup.toNanos());
    long c0 = completed.sum();
    long e0 = enqueued.sum();
    probe.start();
    long from = System.nanoTime();
    Pacing.sleepUntil(t0 + s.duration().toNanos());
    long c1 = completed.sum();
    long e1 = enqueued.sum();
    RedisProbe.Profile profile = probe.stop(c1 - c0);
    double secs = (System.nanoTime() - from) / 1e9;
    running.set(false);
    for (Thread t : producers) {
      t.join(10_000);
    }
    ContenderLoop.progress("throughput", c.name(), String.format("%.0f jobs/s", (c1 - c0) / secs));
    return new Measured((c1 - c0) / secs, (e1 - e0) / secs, profile);
  }
}
