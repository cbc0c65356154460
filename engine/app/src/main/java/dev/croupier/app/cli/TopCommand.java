package dev.croupier.app.cli;

import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.worker.CroupierAdmin;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code croupier top}: a live per-tenant view, refreshed every interval. The node sorts and
 * pages, so each refresh moves one page however many tenants there are.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = {"A live per-tenant view: backlog, running, served share against weight share, waits.",
        "Refreshes every --interval; sorted by the node, one page at a time, so it stays light with any"
            + " number of tenants. Ctrl-C to stop."})
public final class TopCommand extends AdminSupport implements Callable<Integer> {

  @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "backlog",
      description = "backlog, deficit (most under its weight share first) or name; default: ${DEFAULT-VALUE}")
  String sort;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "25", description = "tenants shown, 1-1000 (default: ${DEFAULT-VALUE})")
  int rows;

  @Option(names = "--page", paramLabel = "P", defaultValue = "1", description = "which page of --rows tenants (default: ${DEFAULT-VALUE})")
  int page;

  @Option(names = "--interval", paramLabel = "D", defaultValue = "2s", description = "time between refreshes (default: ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
      description = "stop after N refreshes (0 = until interrupted)")
  int iterations;

  @Override
  public Integer call() throws InterruptedException {
    TenantStatsQuery.Sort order = TenantCommand.sort(spec, sort);
    if (rows < 1 || rows > TenantStatsQuery.MAX_LIMIT) {
      throw new ParameterException(spec.commandLine(), "--rows must be in [1, 1000]: " + rows);
    }
    if (page < 1) {
      throw new ParameterException(spec.commandLine(), "--page must be positive: " + page);
    }
    if (iterations < 0) {
      throw new ParameterException(spec.commandLine(), "--iterations must not be negative: " + iterations);
    }
    Duration every;
    try {
      every = duration(interval);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--interval: " + e.getMessage());
    }
    if (every.toMillis() < 100) {
      throw new ParameterException(spec.commandLine(), "--interval must be at least 100ms: " + interval);
    }
    boolean terminal = System.console() != null && !json;
    PrintWriter out = out();
    try (CroupierAdmin admin = connect("croupier-top-cli")) {
      for (int i = 0; iterations == 0 || i < iterations; i++) {
        if (i > 0) {
          Thread.sleep(every.toMillis());
        }
        StatsPage<TenantStats> p = fetch(admin, order);
        if (json) {
          List<Map<String, Object>> items = new ArrayList<>();
          p.items().forEach(t -> items.add(tenantStats(t)));
          Map<String, Object> frame = new LinkedHashMap<>();
          frame.put("at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
          frame.put("total", p.total());
          frame.put("page", page);
          frame.put("items", items);
          printJson(frame);
          continue;
        }
        if (terminal) {
          out.print("\033[H\033[2J"); // home and clear: redraw in place
        }
        out.print(frame(p, order));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  private StatsPage<TenantStats> fetch(CroupierAdmin admin, TenantStatsQuery.Sort order) {
    TenantStatsQuery q = TenantStatsQuery.first(order, rows);
    StatsPage<TenantStats> p = admin.tenantStats(q);
    for (int n = 1; n < page && p.nextCursor() != null; n++) {
      q = q.next(p);
      p = admin.tenantStats(q);
    }
    return p;
  }

  private String frame(StatsPage<TenantStats> p, TenantStatsQuery.Sort order) {
    long queued = 0;
    long running = 0;
    for (TenantStats t : p.items()) {
      queued += t.queued();
      running += t.running();
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "croupier top  %s  %d tenant(s), page %d of %d by %s; this page: %d queued, %d running%n%n",
        Instant.now().truncatedTo(ChronoUnit.SECONDS), p.total(), page,
        Math.max(1, (p.total() + rows - 1) / rows), sort, queued, running));
    List<Map<String, Object>> table = new ArrayList<>();
    for (TenantStats t : p.items()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("tenant", t.tenant() + (t.config().paused() ? " (paused)" : ""));
      r.put("weight", t.config().weight());
      r.put("queued", t.queued());
      r.put("due", t.due());
      r.put("delayed", t.delayed());
      r.put("running", t.running());
      r.put("dead", t.dead());
      r.put("served%", percent(t.servedShare()));
      r.put("weight%", percent(t.weightShare()));
      r.put("deficit%", percent(t.shareDeficit()));
      r.put("p50", t.waitP50() == null ? "-" : millis(t.waitP50()));
      r.put("p99", t.waitP99() == null ? "-" : millis(t.waitP99()));
      table.add(r);
    }
    b.append(table(table));
    return b.toString();
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f", share * 100);
  }

  private static String millis(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? "<=" + ms + "ms" : ms < 60_000 ? "<=" + ms / 1000 + "s" : "<=" + ms / 60_000 + "m";
  }
}
