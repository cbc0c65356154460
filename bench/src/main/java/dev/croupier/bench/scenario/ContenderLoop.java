package dev.croupier.bench.scenario;

import dev.croupier.bench.contender.Contender;
import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.report.Report;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario's body once per contender, one after the other (so they never compete for the
 * two cores), each under its own key prefix, closing it (and deleting its keys) afterwards. A
 * contender that fails is reported as failed and the others still run.
 */
final class ContenderLoop {

  private static final Logger log = LoggerFactory.getLogger(ContenderLoop.class);

  /** The scenario's work on one contender; puts its figures into {@code figures}. */
  @FunctionalInterface
  interface Body {
    void run(Contender contender, Map<String, Object> figures) throws Exception;
  }

  private ContenderLoop() {}

  /** Runs {@code body} on each of {@code names}; returns the names that completed. */
  static List<String> run(ScenarioSettings settings, Report report, List<String> names,
      boolean keyedQueues, int claimThreads, Body body) {
    List<String> ok = new java.util.ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Map<String, Object> figures = report.contender(name);
      String prefix = "b" + settings.runId() + "-" + i;
      progress(report.scenario(), name, "starting (key prefix " + prefix + ")");
      long began = System.nanoTime();
      var spec = new Contenders.Spec(settings.redisUrl(), prefix, settings.slots(), keyedQueues, claimThreads);
      try (Contender contender = Contenders.create(name, spec)) {
        body.run(contender, figures);
        ok.add(name);
      } catch (Exception | LinkageError e) {
        log.warn("{}: contender {} failed", report.scenario(), name, e);
        figures.put("error", String.valueOf(e.getMessage()));
        report.note(name + " failed: " + e.getMessage());
      }
      progress(report.scenario(), name, String.format("done in %.1f s", (System.nanoTime() - began) / 1e9));
    }
    return ok;
  }

  /** Prints a progress line to stderr (stdout carries only the report). */
  static void progress(String scenario, String contender, String what) {
    System.err.printf("[%s] %s: %s%n", scenario, contender, what);
  }
}
