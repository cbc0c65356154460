package dev.croupier.bench.scenario;

import dev.croupier.bench.report.Report;

/** A workload run through a set of contenders, producing one report. */
public interface Scenario {

  /** The name on the command line, e.g. {@code noisy-neighbour}. */
  String name();

  /** One line on what it measures. */
  String description();

  /** Runs every contender in turn and reports. */
  Report run(ScenarioSettings settings);
}
