package dev.croupier.app.cli;

import dev.croupier.app.demo.DemoOptions;
import dev.croupier.app.demo.DemoReport;
import dev.croupier.app.demo.NoisyNeighbourDemo;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The noisy-neighbour demo: one FIFO list against Croupier on the same workload. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Noisy-neighbour demo: a FIFO list against Croupier, side by side.",
        "",
        "Tenant A enqueues --big jobs; --small-delay ms after that enqueue finished, tenants B, C"
            + " and D enqueue --small jobs each. Every job sleeps --job-ms on one of --slots"
            + " concurrent slots. The workload runs twice, through one Redis list (LPUSH / BRPOP)"
            + " and through Croupier. Each run ends when drained or after --seconds (A stops"
            + " enqueueing then), and no sooner than 2 s after B, C and D enqueued.",
        "",
        "A live table goes to stderr; the summary (or with --json, one JSON object) to stdout."})
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RedisOption redis;

  @Option(names = "--seconds", paramLabel = "N",
      description = "time budget of each run in seconds (default: ${DEFAULT-VALUE})")
  int seconds = (int) DemoOptions.DEFAULT_BUDGET.toSeconds();

  @Option(names = "--slots", paramLabel = "N",
      description = "jobs running at once, in both runs (default: ${DEFAULT-VALUE})")
  int slots = DemoOptions.DEFAULT_SLOTS;

  @Option(names = "--job-ms", paramLabel = "N",
      description = "how long each job sleeps, in ms (default: ${DEFAULT-VALUE})")
  int jobMs = (int) DemoOptions.DEFAULT_JOB_TIME.toMillis();

  @Option(names = "--big", paramLabel = "N",
      description = "jobs tenant A enqueues (default: ${DEFAULT-VALUE})")
  int big = DemoOptions.DEFAULT_BIG;

  @Option(names = "--small", paramLabel = "N",
      description = "jobs each of B, C and D enqueues (default: ${DEFAULT-VALUE})")
  int small = DemoOptions.DEFAULT_SMALL;

  @Option(names = "--small-delay", paramLabel = "MS",
      description = "pause between the end of A's enqueue and B, C, D's (default: ${DEFAULT-VALUE})")
  int smallDelayMs = (int) DemoOptions.DEFAULT_SMALL_DELAY.toMillis();

  @Option(names = "--claim-threads", paramLabel = "N",
      description = "claim loops of the Croupier run's engine (default: ${DEFAULT-VALUE})")
  int claimThreads = DemoOptions.DEFAULT_CLAIM_THREADS;

  @Option(names = "--json",
      description = "print one JSON object {\"fifo\": ..., \"croupier\": ...} and nothing else on stdout")
  boolean json;

  @Option(names = "--quiet", description = "no live table on stderr")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (RedisOption.Target target = redis.open()) {
      DemoOptions options = DemoOptions.newBuilder()
          .redisUrl(target.url())
          .budget(Duration.ofSeconds(seconds))
          .slots(slots)
          .jobTime(Duration.ofMillis(jobMs))
          .big(big)
          .small(small)
          .smallDelay(Duration.ofMillis(smallDelayMs))
          .claimThreads(claimThreads)
          .build();
      DemoReport report = new NoisyNeighbourDemo(options, quiet ? null : System.err, isTerminal()).run();
      if (json) {
        out.println(report.toJson());
      } else {
        NoisyNeighbourDemo.summary(report).forEach(out::println);
      }
      out.flush();
      return 0;
    }
  }

  /**
   * Whether the console is an interactive terminal, so the live table may redraw in place. JDK 22
   * returns a console even when output is redirected and added {@code Console.isTerminal()} to
   * tell; on JDK 21 a non-null console already means a terminal. Reflection keeps the release 21.
   */
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method m = java.io.Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
