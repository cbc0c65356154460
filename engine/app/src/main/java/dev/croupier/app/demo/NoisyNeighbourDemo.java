package dev.croupier.app.demo;

import dev.croupier.engine.EngineOptions;
import java.io.PrintStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The noisy-neighbour demo: the same workload through a plain FIFO Redis list, then through
 * Croupier, on the same Redis with the same number of slots. Each run writes under a fresh key
 * prefix and deletes its keys when it ends.
 */
public final class NoisyNeighbourDemo {

  private final DemoOptions options;
  private final LiveTable live;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;

  /**
   * A demo of {@code options}. {@code live} is where the live table goes (null for none);
   * {@code redraw} says whether it is a terminal that takes ANSI cursor codes.
   */
  public NoisyNeighbourDemo(DemoOptions options, PrintStream live, boolean redraw) {
    this(options, live, redraw, System::nanoTime, RandomGenerator.getDefault());
  }

  NoisyNeighbourDemo(DemoOptions options, PrintStream live, boolean redraw, LongSupplier nanoTime,
      RandomGenerator random) {
    this.options = Objects.requireNonNull(options, "options");
    this.live = live == null ? null : new LiveTable(live, redraw, options);
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Runs both and returns their results. */
  public DemoReport run() {
    RunReport fifo = runFifo();
    RunReport croupier = runCroupier();
    return new DemoReport(options, fifo, croupier);
  }

  /** Runs the workload through one Redis list with a fixed pool of BRPOP workers. */
  public RunReport runFifo() {
    String key = "croupier-demo:" + runId() + ":fifo";
    return run("FIFO list", new FifoQueue(options.redisUrl(), key, options.slots(), options.jobTime()));
  }

  /** Runs the workload through a Croupier engine with an embedded handler. */
  public RunReport runCroupier() {
    EngineOptions engine = EngineOptions.newBuilder()
        .redisUrl(options.redisUrl())
        .namespace("demo-" + runId())
        .claimThreads(options.claimThreads())
        .build();
    return run("Croupier", new CroupierQueue(engine, options.slots(), options.jobTime()));
  }

  /** The summary text of a finished demo. */
  public static List<String> summary(DemoReport report) {
    return Summary.render(report);
  }

  private RunReport run(String title, DemoQueue queue) {
    WorkloadRunner runner = new WorkloadRunner(options, nanoTime);
    try {
      return runner.run(queue, tally -> {
        if (live != null) {
          live.follow(title, tally);
        }
      });
    } finally {
      if (live != null) {
        live.stop();
      }
    }
  }

  private String runId() {
    return HexFormat.of().toHexDigits(random.nextInt());
  }
}
