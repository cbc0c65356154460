package dev.croupier.app.cli;

import dev.croupier.bench.report.LiveTable;
import dev.croupier.bench.scenario.NoisyNeighbourDemo;
import dev.croupier.bench.scenario.NoisyNeighbourOptions;
import dev.croupier.bench.scenario.ScenarioSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The noisy-neighbour demo: the benchmark's noisy-neighbour scenario with the demo's preset
 * ({@link NoisyNeighbourDemo}), a FIFO list against Croupier on the same workload.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Noisy-neighbour demo: a FIFO list against Croupier, side by side.",
        "",
        "Tenant A enqueues --big jobs; --small-delay ms after that enqueue finished, tenants B, C"
            + " and D enqueue --small jobs each. Every job sleeps --job-ms on one of --slots"
            + " concurrent slots. The workload runs twice, through one Redis list (LPUSH / BRPOP)"
            + " and through Croupier. Each run ends when drained or after --seconds (A stops"
            + " enqueueing then), and no sooner than 2 s after B, C and D enqueued.",
        "It is the benchmark's noisy-neighbour scenario (./croupier bench noisy-neighbour) with"
            + " these settings and the contenders fifo-list and croupier-weighted.",
        "",
        "A live table goes to stderr; the summary (or with --json, one JSON object) to stdout."})
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RedisOption redis;

  @Option(names = "--seconds", paramLabel = "N",
      description = "time budget of each run in seconds (default: ${DEFAULT-VALUE})")
  int seconds = (int) NoisyNeighbourDemo.DEFAULT_BUDGET.toSeconds();

  @Option(names = "--slots", paramLabel = "N",
      description = "jobs running at once, in both runs (default: ${DEFAULT-VALUE})")
  int slots = NoisyNeighbourDemo.DEFAULT_SLOTS;

  @Option(names = "--job-ms", paramLabel = "N",
      description = "how long each job sleeps, in ms (default: ${DEFAULT-VALUE})")
  int jobMs = (int) NoisyNeighbourDemo.DEFAULT_JOB_TIME.toMillis();

  @Option(names = "--big", paramLabel = "N",
      description = "jobs tenant A enqueues (default: ${DEFAULT-VALUE})")
  int big = NoisyNeighbourDemo.DEFAULT_BIG;

  @Option(names = "--small", paramLabel = "N",
      description = "jobs each of B, C and D enqueues (default: ${DEFAULT-VALUE})")
  int small = NoisyNeighbourDemo.DEFAULT_SMALL;

  @Option(names = "--small-delay", paramLabel = "MS",
      description = "pause between the end of A's enqueue and B, C, D's (default: ${DEFAULT-VALUE})")
  int smallDelayMs = (int) NoisyNeighbourDemo.DEFAULT_SMALL_DELAY.toMillis();

  @Option(names = "--claim-threads", paramLabel = "N",
      description = "claim loops of the Croupier run's engine (default: ${DEFAULT-VALUE})")
  int claimThreads = NoisyNeighbourDemo.DEFAULT_CLAIM_THREADS;

  @Option(names = "--json",
      description = "print one JSON object {\"fifo\": ..., \"croupier\": ...} and nothing else on stdout")
  boolean json;

  @Option(names = "--quiet", description = "no live table on stderr")
  boolean quiet;

  @Override
  public Integer call() {
    NoisyNeighbourOptions workload = NoisyNeighbourDemo.workload(big, small, Duration.ofMillis(jobMs),
        Duration.ofMillis(smallDelayMs));
    PrintWriter out = spec.commandLine().getOut();
    try (RedisOption.Target target = redis.open()) {
      ScenarioSettings settings = NoisyNeighbourDemo.settings(target.url(), Duration.ofSeconds(seconds),
          slots, claimThreads);
      NoisyNeighbourDemo.Result result =
          new NoisyNeighbourDemo(workload, settings, quiet ? null : LiveTable.onStderr()).run();
      if (json) {
        out.println(result.toJson());
      } else {
        result.summary().forEach(out::println);
      }
      out.flush();
      return 0;
    }
  }
}
