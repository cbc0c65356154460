package dev.croupier.app.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** The final text of the demo: both runs side by side, then the headline. */
final class Summary {

  private Summary() {}

  /** The summary's lines. */
  static List<String> render(DemoReport report) {
    DemoOptions o = report.options();
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT,
        "Noisy neighbour: tenant %s enqueues %s jobs; %d ms after that enqueue finished, %s enqueue"
            + " %s each.", DemoOptions.BIG_TENANT, Format.count(o.big()),
        o.smallDelay().toMillis(), String.join(", ", DemoOptions.SMALL_TENANTS),
        Format.count(o.small())));
    lines.add(String.format(Locale.ROOT,
        "Every job sleeps %d ms on one of %d slots; each run ends when drained or after %d s"
            + " (and no sooner than 2 s after the last enqueue).",
        o.jobTime().toMillis(), o.slots(), o.budget().toSeconds()));
    lines.add(String.format(Locale.ROOT,
        "FIFO: one Redis list, %d worker threads on BRPOP. Croupier: one engine, %d claim thread%s,"
            + " default options otherwise, %d embedded slots.", o.slots(), o.claimThreads(),
        o.claimThreads() == 1 ? "" : "s", o.slots()));
    lines.add("");
    String run = "%12s %10s %10s %9s";
    lines.add(String.format(Locale.ROOT, "  %-7s| %-44s| %s", "",
        "FIFO list (LPUSH / BRPOP)", "Croupier"));
    lines.add(String.format(Locale.ROOT, "  %-7s| " + run + " | " + run, "tenant",
        "first start", "wait p50", "wait p99", "done", "first start", "wait p50", "wait p99", "done"));
    for (TenantReport f : report.fifo().tenants()) {
      TenantReport c = report.croupier().tenant(f.tenant());
      lines.add(String.format(Locale.ROOT, "  %-7s| " + run + " | " + run, f.tenant(),
          Format.millis(f.firstStartMs()), Format.millis(f.waitP50Ms()),
          Format.millis(f.waitP99Ms()), done(f), Format.millis(c.firstStartMs()),
          Format.millis(c.waitP50Ms()), Format.millis(c.waitP99Ms()), done(c)));
    }
    if (!report.fifo().drained() || !report.croupier().drained()) {
      lines.add("  * = not drained when the run's time budget ran out");
    }
    lines.add("");
    lines.add(String.format(Locale.ROOT,
        "%s's enqueue of %s jobs (%s per call): FIFO %s, Croupier %s. Runs took %s and %s.",
        DemoOptions.BIG_TENANT, Format.count(o.big()), Format.count(o.chunk()),
        enqueueTime(report.fifo()), enqueueTime(report.croupier()),
        Format.millis(report.fifo().elapsedMs()), Format.millis(report.croupier().elapsedMs())));
    lines.add("");
    lines.addAll(headline(report));
    return lines;
  }

  /** The sentence the demo exists for: when the small tenants' first jobs started, in each run. */
  static List<String> headline(DemoReport report) {
    List<String> lines = new ArrayList<>();
    String names = String.join(", ", DemoOptions.SMALL_TENANTS.subList(
        0, DemoOptions.SMALL_TENANTS.size() - 1)) + " and "
        + DemoOptions.SMALL_TENANTS.get(DemoOptions.SMALL_TENANTS.size() - 1);
    lines.add(String.format(Locale.ROOT,
        "Croupier: %s's first jobs started %s after they enqueued, while %s still had %s of its"
            + " %s jobs queued.", names, firstStarts(report.croupier()), DemoOptions.BIG_TENANT,
        bigQueued(report.croupier()),
        Format.count(report.croupier().tenant(DemoOptions.BIG_TENANT).enqueued())));
    lines.add(String.format(Locale.ROOT,
        "FIFO list: the same first jobs started %s after they enqueued, behind %s's backlog.",
        firstStarts(report.fifo()), DemoOptions.BIG_TENANT));
    return lines;
  }

  private static String firstStarts(RunReport run) {
    StringJoiner j = new StringJoiner(" / ");
    boolean anyMissing = false;
    for (String t : DemoOptions.SMALL_TENANTS) {
      Double ms = run.tenant(t).firstStartMs();
      anyMissing |= ms == null;
      j.add(ms == null ? "never" : Format.millis(ms));
    }
    return j + (anyMissing ? " (\"never\" = not within the time budget)" : "");
  }

  /** The least of the big tenant's queued counts at the small tenants' first starts. */
  private static String bigQueued(RunReport run) {
    long least = Long.MAX_VALUE;
    for (String t : DemoOptions.SMALL_TENANTS) {
      Long q = run.tenant(t).bigQueuedAtFirstStart();
      if (q != null) {
        least = Math.min(least, q);
      }
    }
    return least == Long.MAX_VALUE ? "?" : Format.count(least);
  }

  private static String enqueueTime(RunReport run) {
    return run.bigEnqueueMs() == null ? "unfinished" : Format.millis(run.bigEnqueueMs());
  }

  private static String done(TenantReport t) {
    return Format.count(t.done()) + (t.drained() ? "" : "*");
  }
}
