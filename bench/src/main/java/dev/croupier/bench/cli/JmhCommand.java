package dev.croupier.bench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./croupier bench jmh}: the JMH micro-benchmarks. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = "Runs the JMH micro-benchmarks (claim contention, scale in queues, Lua script costs).")
public final class JmhCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("the JMH suites are being built");
  }
}
