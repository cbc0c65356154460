package dev.croupier.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The noisy-neighbour demo: one FIFO list against Croupier on the same workload. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Noisy-neighbour demo: a FIFO list against Croupier, side by side.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("the demo is being built");
  }
}
