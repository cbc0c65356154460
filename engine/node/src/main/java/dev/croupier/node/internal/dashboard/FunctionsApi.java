package dev.croupier.node.internal.dashboard;

import dev.croupier.api.admin.FunctionStats;
import dev.croupier.engine.Engine;
import java.util.List;
import java.util.Objects;

/** {@code /api/functions}: functions with their limits and counts, pause and resume. */
final class FunctionsApi {

  private final Engine engine;

  FunctionsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** Every configured function and every function with work, by name. */
  Object list() {
    return new Functions(engine.functionStats().stream().map(Row::of).toList());
  }

  /** One function. */
  Object get(String function) {
    Params.function(function);
    return engine.functionStats().stream().filter(f -> f.function().equals(function))
        .findFirst().map(Row::of).orElseThrow(() -> ApiException.notFound("no function "
            + function + " (none configured or registered, and no jobs of it)"));
  }

  /** Pauses or resumes the function for every tenant. */
  Views.Done setPaused(String function, boolean paused) {
    Params.function(function);
    if (paused) {
      engine.pauseFunction(function);
    } else {
      engine.resumeFunction(function);
    }
    return new Views.Done(true, (paused ? "paused " : "resumed ") + "function " + function);
  }

  record Functions(List<Row> items) {}

  /**
   * A function's config and counts; {@code workers} and {@code freeCredits} are -1 when the
   * answering engine does not know them.
   */
  record Row(String name, int concurrencyLimit, int perTenantLimit, List<Views.Keyed> keyedLimits,
      int maxAttempts, long retryBaseMs, double retryFactor, long retryCapMs, long leaseTimeoutMs,
      String registration, boolean paused, long queued, long running, long dead, int workers,
      long freeCredits) {
    static Row of(FunctionStats s) {
      Views.Function f = Views.Function.of(s.spec(), s.paused());
      return new Row(f.name(), f.concurrencyLimit(), f.perTenantLimit(), f.keyedLimits(),
          f.maxAttempts(), f.retryBaseMs(), f.retryFactor(), f.retryCapMs(), f.leaseTimeoutMs(),
          s.registration().name(), s.paused(), s.queued(), s.running(), s.dead(), s.workers(),
          s.freeCredits());
    }
  }
}
