package dev.croupier.bench.scenario;

import static dev.croupier.api.OptionChecks.requireRange;

import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.FifoListContender;
import dev.croupier.bench.metrics.RunFigures;
import dev.croupier.bench.report.Json;
import dev.croupier.bench.report.LiveTable;
import dev.croupier.engine.EngineOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./croupier demo}: the noisy-neighbour scenario with the demo's workload, run through a
 * FIFO list ({@value #FIFO}) and Croupier ({@value #CROUPIER}) on the same Redis with the same
 * slots, a live table following each run. Tenant A enqueues its backlog while the workers run;
 * {@code smallDelay} after that enqueue finished, B, C and D enqueue together. The result prints
 * as a side-by-side summary or as one JSON object.
 */
public final class NoisyNeighbourDemo {

  /** The tenant with the backlog. */
  public static final String BIG_TENANT = "A";
  /** The tenants that arrive after it. */
  public static final List<String> SMALL_TENANTS = List.of("B", "C", "D");
  /** The contender of the demo's first run, {@code "fifo"} in its JSON. */
  public static final String FIFO = FifoListContender.NAME;
  /** The contender of the demo's second run, {@code "croupier"} in its JSON. */
  public static final String CROUPIER = Contenders.CROUPIER_WEIGHTED;

  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
  public static final int DEFAULT_SLOTS = 32;
  public static final Duration DEFAULT_JOB_TIME = Duration.ofMillis(5);
  public static final int DEFAULT_BIG = 100_000;
  public static final int DEFAULT_SMALL = 200;
  public static final Duration DEFAULT_SMALL_DELAY = Duration.ofMillis(300);
  public static final int DEFAULT_BATCH = 1_000;
  public static final int DEFAULT_CLAIM_THREADS = EngineOptions.DEFAULT_CLAIM_THREADS;

  private final NoisyNeighbourOptions workload;
  private final ScenarioSettings settings;
  private final LiveTable live;

  /**
   * The demo of {@code workload} (see {@link #workload}) with {@code settings} (see
   * {@link #settings}); {@code live}, unless null, follows each run.
   */
  public NoisyNeighbourDemo(NoisyNeighbourOptions workload, ScenarioSettings settings, LiveTable live) {
    this.workload = Objects.requireNonNull(workload, "workload");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.live = live;
  }

  /**
   * The demo's workload: A enqueues {@code big} jobs while the workers run; {@code smallDelay}
   * after that enqueue finished, B, C and D enqueue {@code small} each; every job sleeps
   * {@code jobTime}.
   */
  public static NoisyNeighbourOptions workload(int big, int small, Duration jobTime, Duration smallDelay) {
    return NoisyNeighbourOptions.newBuilder()
        .bigTenant(BIG_TENANT)
        .lateTenants(SMALL_TENANTS)
        .backlog(big)
        .burst(small)
        .jobCost(jobTime)
        .firstArrival(smallDelay)
        .arrivalSpan(Duration.ZERO)
        .preload(false)
        .batch(DEFAULT_BATCH)
        .build();
  }

  /**
   * The demo's settings: both contenders on {@code redisUrl} under a fresh key prefix, each run
   * lasting at most {@code budget} on {@code slots} slots, Croupier's engine with
   * {@code claimThreads} claim loops. No charts.
   */
  public static ScenarioSettings settings(String redisUrl, Duration budget, int slots, int claimThreads) {
    requireRange("claimThreads", claimThreads, 1, 256);
    String runId = "demo-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    // Charts are off, so the output directory is never written.
    return new ScenarioSettings(redisUrl, runId, budget, 1.0, slots, List.of(FIFO, CROUPIER),
        Path.of("."), false, 0, "./croupier demo", claimThreads, 0);
  }

  /** Runs the workload through both contenders; throws, naming it, when one failed. */
  public Result run() {
    NoisyNeighbourScenario.Outcome outcome = new NoisyNeighbourScenario(workload, live).compare(settings);
    return new Result(workload, settings, figures(outcome, FIFO), figures(outcome, CROUPIER));
  }

  private static RunFigures figures(NoisyNeighbourScenario.Outcome outcome, String contender) {
    RunFigures f = outcome.runs().get(contender);
    if (f == null) {
      throw new IllegalStateException("the " + contender + " run failed: "
          + outcome.report().contender(contender).get("error") + " (the log above has details)");
    }
    return f;
  }

  /**
   * Both runs of the demo.
   *
   * @param workload the workload both ran
   * @param settings how they ran
   * @param fifo the run through the FIFO list
   * @param croupier the run through Croupier
   */
  public record Result(NoisyNeighbourOptions workload, ScenarioSettings settings, RunFigures fifo,
      RunFigures croupier) {

    /** Checks the fields. */
    public Result {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(fifo, "fifo");
      Objects.requireNonNull(croupier, "croupier");
    }

    /**
     * Both runs as one JSON object on one line: {@code {"fifo": RUN, "croupier": RUN}}, RUN as
     * {@link RunFigures} writes it.
     */
    public String toJson() {
      Map<String, RunFigures> runs = new LinkedHashMap<>();
      runs.put("fifo", fifo);
      runs.put("croupier", croupier);
      return Json.compact(runs);
    }

    /** The summary for people: both runs side by side, then the headline. */
    public List<String> summary() {
      return DemoSummary.render(this);
    }
  }
}
