package dev.croupier.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: {@code ./croupier <subcommand>}. */
@Command(
    name = "croupier",
    mixinStandardHelpOptions = true,
    version = "croupier 0.1.0",
    description = "A fair multi-tenant job queue on Redis.",
    subcommands = {DemoCommand.class, ServeCommand.class, WorkerCommand.class, EnqueueCommand.class,
        // operations (docs/operations.md, "The admin CLI")
        TenantCommand.class, FunctionCommand.class, DlqCommand.class, JobCommand.class, TopCommand.class,
        CommandLine.HelpCommand.class})
public final class CroupierCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** A command line with every engine subcommand; callers may add more (e.g. bench). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CroupierCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("croupier: " + e.getMessage());
      if (System.getenv("CROUPIER_DEBUG") != null) {
        e.printStackTrace(commandLine.getErr());
      }
      return ExitCodes.of(e);
    });
    return cli;
  }

  /** Runs the engine's command line. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
