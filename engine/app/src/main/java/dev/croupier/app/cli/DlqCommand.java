package dev.croupier.app.cli;

import dev.croupier.api.JobInfo;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.worker.CroupierAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code croupier dlq list|replay|purge}: a tenant's dead jobs. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "Lists, replays and purges a tenant's dead jobs.",
    subcommands = {DlqCommand.ListDead.class, DlqCommand.Replay.class, DlqCommand.Purge.class})
public final class DlqCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: list, replay or purge");
  }

  /** {@code dlq list X}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists a tenant's dead jobs, oldest death first.")
  static final class ListDead extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "TENANT") String tenant;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "jobs a page, 1-1000 (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--cursor", paramLabel = "C", description = "start at this page")
    String cursor;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 1000) {
        throw new ParameterException(spec.commandLine(), "--limit must be in [1, 1000]: " + limit);
      }
      try (CroupierAdmin admin = connect("croupier-dlq-cli")) {
        StatsPage<JobInfo> page = admin.deadLetters(tenant, cursor, limit);
        List<Map<String, Object>> rows = new ArrayList<>();
        page.items().forEach(j -> rows.add(job(j)));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("total", page.total());
        extra.put("next_cursor", page.nextCursor());
        printTable(rows, extra);
        return ExitCodes.OK;
      }
    }
  }

  /** {@code dlq replay X (--all | ID...)}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Puts dead jobs back in their queues with fresh attempts: the ids given, or --all.")
  static final class Replay extends AdminSupport implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TENANT") String tenant;
    @Parameters(index = "1..*", paramLabel = "JOB_ID") List<String> ids;
    @Option(names = "--all", description = "every dead job of the tenant") boolean all;
    @Option(names = "--max", paramLabel = "N", defaultValue = "0", description = "with --all: at most N, oldest first (0 = all)")
    int max;

    @Override
    public Integer call() {
      requireIdsXorAll(spec, ids, all);
      if (max < 0) {
        throw new ParameterException(spec.commandLine(), "--max must not be negative: " + max);
      }
      try (CroupierAdmin admin = connect("croupier-dlq-cli")) {
        long n = all ? admin.replayAll(tenant, max) : admin.replay(tenant, ids);
        return done(this, "replayed", n, all ? -1 : ids.size());
      }
    }
  }

  /** {@code dlq purge X (--all | ID...)}. */
  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = "Deletes dead jobs for good: the ids given, or --all.")
  static final class Purge extends AdminSupport implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TENANT") String tenant;
    @Parameters(index = "1..*", paramLabel = "JOB_ID") List<String> ids;
    @Option(names = "--all", description = "every dead job of the tenant") boolean all;

    @Override
    public Integer call() {
      requireIdsXorAll(spec, ids, all);
      try (CroupierAdmin admin = connect("croupier-dlq-cli")) {
        long n = all ? admin.purgeAll(tenant) : admin.purge(tenant, ids);
        return done(this, "purged", n, all ? -1 : ids.size());
      }
    }
  }

  private static void requireIdsXorAll(CommandLine.Model.CommandSpec spec, List<String> ids, boolean all) {
    boolean some = ids != null && !ids.isEmpty();
    if (some == all) {
      throw new ParameterException(spec.commandLine(), "name dead job ids, or give --all (not both)");
    }
  }

  /** Prints the count; exit 3 when ids were named and none of them was a dead job of the tenant. */
  private static int done(AdminSupport c, String verb, long n, int asked) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(verb, n);
    c.printRecord(r);
    return asked > 0 && n == 0 ? ExitCodes.NOT_FOUND : ExitCodes.OK;
  }
}
