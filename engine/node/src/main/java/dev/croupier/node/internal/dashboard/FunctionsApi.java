package dev.croupier.node.internal.dashboard;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import java.util.Objects;

/** {@code /api/functions}: functions with their limits, pause and resume. */
final class FunctionsApi {

  private final Engine engine;

  FunctionsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** One function's config. */
  Object get(String function) {
    FunctionSpec spec = engine.function(Params.function(function)).orElseThrow(() ->
        ApiException.notFound("no function " + function + " (no worker registered it)"));
    return Views.Function.of(spec, engine.isFunctionPaused(function));
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
}
