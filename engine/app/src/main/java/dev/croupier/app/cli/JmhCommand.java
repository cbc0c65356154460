package dev.croupier.app.cli;

import dev.croupier.bench.jmh.JmhSuites;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./croupier bench jmh}: the JMH micro-benchmarks, with a summary table. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = {"Runs the JMH micro-benchmarks against a real Redis (embedded, or $CROUPIER_REDIS_URL):",
        "  contention  claim throughput and jobs per claim by claim threads and engines",
        "  scale       claim throughput by active virtual queues (100 / 10,000 / 1,000,000)",
        "  scripts     cost of each Lua script: enqueue, batch lease, ack, nack",
        "  records     a job's record per job, today's hash against one packed string (opt-in)",
        "Defaults fit a 2-core machine (a few minutes); --long runs longer iterations."})
public final class JmhCommand implements Callable<Integer> {

  @Option(names = "--suite", split = ",", paramLabel = "LIST", defaultValue = "contention,scale,scripts",
      description = "suites to run (default: ${DEFAULT-VALUE})")
  List<String> suites;

  @Option(names = "--quick", description = "1 short iteration per trial, 1M queues left out: a smoke run")
  boolean quick;

  @Option(names = "--long", description = "5 warm-up and 10 measured iterations of 5 s each")
  boolean longRun;

  @Option(names = "--threads", split = ",", paramLabel = "LIST", defaultValue = "1,4,16,64",
      description = "claim threads per engine for contention (default: ${DEFAULT-VALUE})")
  List<String> threads;

  @Option(names = "--engines", split = ",", paramLabel = "LIST", defaultValue = "1,2",
      description = "engine instances for contention (default: ${DEFAULT-VALUE})")
  List<String> engines;

  @Option(names = "--queues", split = ",", paramLabel = "LIST", defaultValue = "100,10000,1000000",
      description = "active virtual queues for scale (default: ${DEFAULT-VALUE})")
  List<String> queues;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench/results",
      description = "where the JSON results go (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws Exception {
    JmhSuites.Timing timing = quick ? JmhSuites.Timing.QUICK : longRun ? JmhSuites.Timing.LONG : JmhSuites.Timing.DEFAULT;
    List<String> q = quick ? queues.stream().filter(s -> !s.equals("1000000")).toList() : queues;
    String markdown = new JmhSuites(timing, out).run(suites, threads, engines, q);
    System.out.println(markdown);
    return 0;
  }
}
