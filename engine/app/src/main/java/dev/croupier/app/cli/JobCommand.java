package dev.croupier.app.cli;

import dev.croupier.api.JobInfo;
import dev.croupier.api.admin.Explanation;
import dev.croupier.worker.CroupierAdmin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code croupier job get|cancel|explain}: one job. */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = "Shows, cancels and explains one job (why has it not started?).",
    subcommands = {JobCommand.Get.class, JobCommand.Cancel.class, JobCommand.Explain.class})
public final class JobCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: get, cancel or explain");
  }

  /** {@code job get ID}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a job's status.")
  static final class Get extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "JOB_ID") String id;

    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-job-cli")) {
        Optional<JobInfo> job = admin.lookup(id);
        if (job.isEmpty()) {
          return notFound(this, id);
        }
        printRecord(job(job.get()));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code job cancel ID}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancels a job that has not finished (exit 1 when it had already finished).")
  static final class Cancel extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "JOB_ID") String id;

    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-job-cli")) {
        if (admin.lookup(id).isEmpty()) {
          return notFound(this, id);
        }
        boolean cancelled = admin.cancel(id);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("cancelled", cancelled);
        printRecord(r);
        return cancelled ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  /** {@code job explain ID}. */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "Says why a job is where it is: the constraint that holds it, with its numbers.")
  static final class Explain extends AdminSupport implements Callable<Integer> {
    @Parameters(paramLabel = "JOB_ID") String id;

    @Override
    public Integer call() {
      try (CroupierAdmin admin = connect("croupier-job-cli")) {
        Optional<Explanation> e = admin.explain(id);
        if (e.isEmpty()) {
          return notFound(this, id);
        }
        if (json) {
          printJson(explanation(e.get()));
        } else {
          Map<String, Object> m = explanation(e.get());
          @SuppressWarnings("unchecked")
          Map<String, Object> details = (Map<String, Object>) m.remove("details");
          m.putAll(details);
          printRecord(m);
        }
        return ExitCodes.OK;
      }
    }
  }

  private static int notFound(AdminSupport c, String id) {
    c.err().println("croupier: no job " + id);
    c.err().flush();
    return ExitCodes.NOT_FOUND;
  }
}
