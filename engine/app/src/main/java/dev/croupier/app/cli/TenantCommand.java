package dev.croupier.app.cli;

import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.worker.CroupierAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code croupier tenant get|set|list}: tenants' plans and live stats. */
@Command(name = "tenant", mixinStandardHelpOptions = true,
    description = "Shows and changes tenants: weight, concurrency limit, pause; queued, running, shares, waits.",
    subcommands = {TenantCommand.Get.class, TenantCommand.SetTenant.class, TenantCommand.ListTenants.class})
public final class TenantCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: get, set or list");
  }

  /** {@code tenant get X}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a tenant's plan and stats.")
  static final class Get extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "TENANT") String tenant;

    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-tenant-cli")) {
        StatsPage<TenantStats> page = admin.tenantStats(
            TenantStatsQuery.first(TenantStatsQuery.Sort.BY_NAME, 1).only(java.util.Set.of(tenant)));
        printRecord(tenantStats(page.items().get(0)));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code tenant set X --weight W --limit N --pause|--resume}. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Changes a tenant's plan; the options not given keep their value.")
  static final class SetTenant extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "TENANT") String tenant;

    @Option(names = "--weight", paramLabel = "W", description = "share weight, in (0, 1000000]")
    Double weight;

    @Option(names = "--limit", paramLabel = "N", description = "jobs in flight across functions, 0 = unlimited")
    Integer limit;

    @ArgGroup(exclusive = true) Pause pause;

    static final class Pause {
      @Option(names = "--pause", description = "stop starting its jobs") boolean pause;
      @Option(names = "--resume", description = "start its jobs again") boolean resume;
    }

    @Override
    public Integer call() {
      if (weight == null && limit == null && pause == null) {
        throw new ParameterException(spec.commandLine(), "give at least one of --weight, --limit, --pause, --resume");
      }
      if (limit != null && limit < 0) {
        throw new ParameterException(spec.commandLine(), "--limit must not be negative: " + limit);
      }
      Boolean paused = pause == null ? null : pause.pause;
      try (CroupierAdmin admin = connect("croupier-tenant-cli")) {
        TenantConfig now = admin.changeTenant(new CroupierAdmin.TenantChange(tenant, weight, limit, paused));
        printRecord(tenant(now));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code tenant list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists tenants with their stats, a page at a time (the node sorts; works with any number).")
  static final class ListTenants extends AdminSupport implements Callable<Integer> {
    @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "backlog",
        description = "backlog (most queued first), deficit (most under its weight share first) or name;"
            + " default: ${DEFAULT-VALUE}")
    String sort;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "tenants a page, 1-1000 (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--cursor", paramLabel = "C", description = "start at this page (the cursor a previous page printed)")
    String cursor;

    @Option(names = "--all", description = "every page, not only the first")
    boolean all;

    @Option(names = "--tenants", paramLabel = "X", split = ",", description = "only these tenants")
    List<String> only;

    @Override
    public Integer call() {
      TenantStatsQuery.Sort order = sort(spec, sort);
      if (limit < 1 || limit > TenantStatsQuery.MAX_LIMIT) {
        throw new ParameterException(spec.commandLine(), "--limit must be in [1, 1000]: " + limit);
      }
      try (CroupierAdmin admin = connect("croupier-tenant-cli")) {
        TenantStatsQuery q = new TenantStatsQuery(order, limit, cursor, only == null ? java.util.Set.of() : java.util.Set.copyOf(only));
        List<Map<String, Object>> rows = new ArrayList<>();
        StatsPage<TenantStats> page;
        do {
          page = admin.tenantStats(q);
          page.items().forEach(t -> rows.add(tenantStats(t)));
          q = q.next(page);
        } while (all && page.nextCursor() != null);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("total", page.total());
        extra.put("next_cursor", page.nextCursor());
        printTable(rows, extra);
        return ExitCodes.OK;
      }
    }
  }

  static TenantStatsQuery.Sort sort(CommandLine.Model.CommandSpec spec, String s) {
    return switch (s) {
      case "backlog" -> TenantStatsQuery.Sort.BY_BACKLOG;
      case "deficit" -> TenantStatsQuery.Sort.BY_SHARE_DEFICIT;
      case "name" -> TenantStatsQuery.Sort.BY_NAME;
      default -> throw new ParameterException(spec.commandLine(),
          "--sort must be backlog, deficit or name: " + s);
    };
  }
}
