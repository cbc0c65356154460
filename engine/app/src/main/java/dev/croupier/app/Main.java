package dev.croupier.app;

import dev.croupier.app.cli.BenchCommand;
import dev.croupier.app.cli.CroupierCommand;
import picocli.CommandLine;

/** The launcher's entry point: the engine's command line plus the benchmark commands. */
public final class Main {
  private Main() {}

  /** Runs {@code ./croupier ARGS}. */
  public static void main(String[] args) {
    CommandLine cli = CroupierCommand.commandLine();
    cli.addSubcommand(new BenchCommand());
    System.exit(cli.execute(args));
  }
}
