package dev.croupier.app.cli;

import dev.croupier.bench.report.Report;
import dev.croupier.bench.scenario.Scenario;
import dev.croupier.bench.scenario.ScenarioSettings;
import dev.croupier.bench.scenario.Scenarios;
import dev.croupier.app.cli.RedisOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ./croupier bench SCENARIO}: runs a scenario through every contender and reports. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = JmhCommand.class,
    description = {"Runs a benchmark scenario through every contender, side by side on one Redis,",
        "and prints a markdown table (JSON file and PNG charts go to --out).",
        "Scenarios: noisy-neighbour, shares, shares-equal, shares-spread, shares-cost, shares-cost-100,",
        "shares-weight-change, churn, throughput, latency, all (bench/README.md says what each reports).",
        "Micro-benchmarks: ./croupier bench jmh --help"})
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RedisOption redis;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "one of: ${COMPLETION-CANDIDATES}",
      completionCandidates = Scenarios.Names.class)
  String scenario;

  @Option(names = "--seconds", paramLabel = "N", defaultValue = "20",
      description = "how long each contender runs (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--scale", paramLabel = "X", defaultValue = "1.0",
      description = "multiplies backlog sizes; 1.0 is the documented full run, e.g. the 1,000,000-job"
          + " backlog (default: ${DEFAULT-VALUE})")
  double scale;

  @Option(names = "--slots", paramLabel = "N", defaultValue = "32",
      description = "worker slots per contender (default: ${DEFAULT-VALUE})")
  int slots;

  @Option(names = "--contenders", paramLabel = "LIST", split = ",",
      description = "contenders to run (default: the scenario's set): fifo-list, rr-batch-mover,"
          + " tenant-ring, decayed-activity, croupier-uniform, croupier-weighted, croupier-protocol")
  List<String> contenders = new ArrayList<>();

  @Option(names = "--json", paramLabel = "FILE",
      description = "where the JSON report goes (default: OUT/SCENARIO.json)")
  Path json;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench/results",
      description = "directory for the JSON reports and charts (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--no-charts", description = "skip the PNG charts")
  boolean noCharts;

  @Option(names = "--claim-threads", paramLabel = "N", defaultValue = "0",
      description = "claim loops of the Croupier contenders (default: the engine's default)")
  int claimThreads;

  @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--rivals", paramLabel = "N", defaultValue = "0",
      description = "shares-spread: how many tenants the spreading tenant competes with (default: 99)")
  int rivals;

  @Override
  public Integer call() {
    if (scenario == null) {
      spec.commandLine().usage(System.err);
      return 2;
    }
    List<Scenario> run = Scenarios.resolve(scenario);
    String command = "./croupier " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    try (RedisOption.Target target = redis.open()) {
      String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
      ScenarioSettings settings = new ScenarioSettings(target.url(), runId, Duration.ofSeconds(seconds),
          scale, slots, contenders, out, !noCharts, seed, command, claimThreads, rivals);
      for (Scenario sc : run) {
        Report report = sc.run(settings);
        report.environment("redis", target.isEmbedded() ? "embedded " + target.url() : target.url());
        Path file = json != null && run.size() == 1 ? json : out.resolve(sc.name() + ".json");
        report.writeJson(file);
        System.out.println(report.toMarkdown());
        System.out.println("JSON: " + file);
        System.out.println();
        System.out.flush();
      }
    }
    return 0;
  }
}
