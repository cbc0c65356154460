package dev.croupier.app.cli;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.RetryPolicy;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.worker.CroupierAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code croupier function get|set|list}: functions' limits, retry policy, lease; their totals. */
@Command(name = "function", mixinStandardHelpOptions = true,
    description = "Shows and changes functions: limits, retry policy, lease timeout, pause.",
    subcommands = {FunctionCommand.Get.class, FunctionCommand.SetFunction.class, FunctionCommand.ListFunctions.class})
public final class FunctionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: get, set or list");
  }

  /** {@code function get F}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a function's config and totals.")
  static final class Get extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "FUNCTION") String function;

    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-function-cli")) {
        FunctionStats f = admin.function(function);
        if (f.registration() == FunctionStats.Registration.MISSING && f.queued() == 0 && f.running() == 0) {
          err().println("croupier: no function " + function);
          return ExitCodes.NOT_FOUND;
        }
        printRecord(function(f));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code function set F ...}. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Changes a function's config (stored as configured: it no longer expires); the options"
          + " not given keep their value.")
  static final class SetFunction extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "FUNCTION") String function;

    @Option(names = "--limit", paramLabel = "N", description = "jobs in flight across tenants, 0 = unlimited")
    Integer limit;

    @Option(names = "--per-tenant-limit", paramLabel = "N", description = "jobs in flight per tenant, 0 = unlimited")
    Integer perTenantLimit;

    @Option(names = "--key", paramLabel = "NAME=N", split = ",",
        description = "keyed limits, replacing the stored ones (the first splits the queues), e.g. account=5")
    List<String> keys;

    @Option(names = "--max-attempts", paramLabel = "N", description = "deliveries in all, 1-1000")
    Integer maxAttempts;

    @Option(names = "--backoff", paramLabel = "D", description = "first retry delay, e.g. 1s")
    String backoff;

    @Option(names = "--backoff-factor", paramLabel = "F", description = "growth per retry, >= 1")
    Double factor;

    @Option(names = "--backoff-cap", paramLabel = "D", description = "longest retry delay, e.g. 5m")
    String cap;

    @Option(names = "--lease", paramLabel = "D", description = "lease (visibility) timeout, e.g. 30s")
    String lease;

    @ArgGroup(exclusive = true) Pause pause;

    static final class Pause {
      @Option(names = "--pause", description = "stop starting its jobs (every tenant)") boolean pause;
      @Option(names = "--resume", description = "start its jobs again") boolean resume;
    }

    @Override
    public Integer call() {
      boolean specChange = limit != null || perTenantLimit != null || keys != null || maxAttempts != null
          || backoff != null || factor != null || cap != null || lease != null;
      if (!specChange && pause == null) {
        throw new ParameterException(spec.commandLine(), "give at least one option to change (see --help)");
      }
      try (CroupierAdmin admin = connect("croupier-function-cli")) {
        FunctionStats now = null;
        if (specChange) {
          FunctionSpec spec = changed(admin.function(function).spec());
          now = admin.configureFunction(spec);
        }
        if (pause != null) {
          now = admin.pauseFunction(function, pause.pause);
        }
        printRecord(function(now));
        return ExitCodes.OK;
      }
    }

    private FunctionSpec changed(FunctionSpec stored) {
      try {
        FunctionSpec.Builder b = FunctionSpec.newBuilder(function)
            .concurrencyLimit(limit != null ? limit : stored.concurrencyLimit())
            .perTenantLimit(perTenantLimit != null ? perTenantLimit : stored.perTenantLimit())
            .leaseTimeout(lease != null ? duration(lease) : stored.leaseTimeout());
        RetryPolicy r = stored.retry();
        b.retry(new RetryPolicy(maxAttempts != null ? maxAttempts : r.maxAttempts(),
            backoff != null ? duration(backoff) : r.base(), factor != null ? factor : r.factor(),
            cap != null ? duration(cap) : r.cap()));
        if (keys == null) {
          stored.keyedLimits().forEach(k -> b.keyedLimit(k.key(), k.limit()));
        } else {
          for (String k : keys) {
            int eq = k.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--key wants NAME=LIMIT: " + k);
            }
            b.keyedLimit(k.substring(0, eq), Integer.parseInt(k.substring(eq + 1)));
          }
        }
        return b.build();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  /** {@code function list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every known function.")
  static final class ListFunctions extends AdminSupport implements Callable<Integer> {
    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-function-cli")) {
        List<Map<String, Object>> rows = new ArrayList<>();
        admin.functionStats(List.of()).forEach(f -> rows.add(function(f)));
        printTable(rows, Map.of());
        return ExitCodes.OK;
      }
    }
  }
}
