package dev.croupier.bench.scenario;

import dev.croupier.bench.metrics.RunFigures;
import dev.croupier.bench.metrics.TenantFigures;
import dev.croupier.bench.report.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** The demo's text for people: both runs side by side, then the headline. */
final class DemoSummary {

  private DemoSummary() {}

  /** The summary's lines. */
  static List<String> render(NoisyNeighbourDemo.Result r) {
    NoisyNeighbourOptions w = r.workload();
    ScenarioSettings s = r.settings();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT,
        "Noisy neighbour: tenant %s enqueues %s jobs; %d ms after that enqueue finished, %s enqueue"
            + " %s each.", w.bigTenant(), Format.count(w.backlog()), w.firstArrival().toMillis(),
        String.join(", ", w.lateTenants()), Format.count(w.burst())));
    lines.add(String.format(Locale.ROOT,
        "Every job sleeps %d ms on one of %d slots; each run ends when drained or after %d s"
            + " (and no sooner than %d s after the last enqueue).",
        w.jobCost().toMillis(), s.slots(), s.duration().toSeconds(),
        NoisyNeighbourRun.MIN_WATCH.toSeconds()));
    lines.add(String.format(Locale.ROOT,
        "FIFO: one Redis list, %d worker threads on BRPOP. Croupier: one engine, %d claim thread%s,"
            + " default options otherwise, %d embedded slots.", s.slots(), s.claimThreads(),
        s.claimThreads() == 1 ? "" : "s", s.slots()));
    lines.add("");
    String run = "%12s %10s %10s %9s";
    lines.add(String.format(Locale.ROOT, "  %-7s| %-44s| %s", "", "FIFO list (LPUSH / BRPOP)", "Croupier"));
    lines.add(String.format(Locale.ROOT, "  %-7s| " + run + " | " + run, "tenant",
        "first start", "wait p50", "wait p99", "done", "first start", "wait p50", "wait p99", "done"));
    for (String tenant : r.fifo().tenants().keySet()) {
      TenantFigures f = r.fifo().tenant(tenant);
      TenantFigures c = r.croupier().tenant(tenant);
      lines.add(String.format(Locale.ROOT, "  %-7s| " + run + " | " + run, tenant,
          Format.millis(f.firstStartMs()), Format.millis(f.waitP50Ms()), Format.millis(f.waitP99Ms()),
          done(f), Format.millis(c.firstStartMs()), Format.millis(c.waitP50Ms()),
          Format.millis(c.waitP99Ms()), done(c)));
    }
    if (!r.fifo().drained() || !r.croupier().drained()) {
      lines.add("  * = not drained when the run's time budget ran out");
    }
    lines.add("");
    lines.add(String.format(Locale.ROOT,
        "%s's enqueue of %s jobs (%s per call): FIFO %s, Croupier %s. Runs took %s and %s.",
        w.bigTenant(), Format.count(w.backlog()), Format.count(w.batch()), enqueueTime(r.fifo()),
        enqueueTime(r.croupier()), Format.millis(r.fifo().elapsedMs()),
        Format.millis(r.croupier().elapsedMs())));
    lines.add("");
    lines.addAll(headline(r));
    return lines;
  }

  /** The sentence the demo exists for: when the small tenants' first jobs started, in each run. */
  static List<String> headline(NoisyNeighbourDemo.Result r) {
    NoisyNeighbourOptions w = r.workload();
    List<String> late = w.lateTenants();
    String names = late.size() == 1 ? late.get(0)
        : String.join(", ", late.subList(0, late.size() - 1)) + " and " + late.get(late.size() - 1);
    return List.of(
        String.format(Locale.ROOT,
            "Croupier: %s's first jobs started %s after they enqueued, while %s still had %s of its"
                + " %s jobs queued.", names, firstStarts(r.croupier(), late), w.bigTenant(),
            bigQueued(r.croupier(), late),
            Format.count(r.croupier().tenant(w.bigTenant()).enqueued())),
        String.format(Locale.ROOT,
            "FIFO list: the same first jobs started %s after they enqueued, behind %s's backlog.",
            firstStarts(r.fifo(), late), w.bigTenant()));
  }

  private static String firstStarts(RunFigures run, List<String> late) {
    StringJoiner j = new StringJoiner(" / ");
    boolean anyMissing = false;
    for (String t : late) {
      Double ms = run.tenant(t).firstStartMs();
      anyMissing |= ms == null;
      j.add(ms == null ? "never" : Format.millis(ms));
    }
    return j + (anyMissing ? " (\"never\" = not within the time budget)" : "");
  }

  /** The least of the big tenant's queued counts at the late tenants' first starts. */
  private static String bigQueued(RunFigures run, List<String> late) {
    long least = Long.MAX_VALUE;
    for (String t : late) {
      Long q = run.tenant(t).bigQueuedAtFirstStart();
      if (q != null) {
        least = Math.min(least, q);
      }
    }
    return least == Long.MAX_VALUE ? "?" : Format.count(least);
  }

  private static String enqueueTime(RunFigures run) {
    return run.bigEnqueueMs() == null ? "unfinished" : Format.millis(run.bigEnqueueMs());
  }

  private static String done(TenantFigures t) {
    return Format.count(t.done()) + (t.drained() ? "" : "*");
  }
}
