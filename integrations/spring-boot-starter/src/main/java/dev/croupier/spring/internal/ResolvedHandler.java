package dev.croupier.spring.internal;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import java.util.Objects;

/**
 * A handler ready to register: its spec, how many of its jobs may run at once here (overrides
 * applied), the handler, and where it was declared (for messages).
 */
public record ResolvedHandler(FunctionSpec spec, int maxInFlight, JobHandler handler, String source) {

  /** Validates every field. */
  public ResolvedHandler {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(source, "source");
    if (maxInFlight <= 0) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
  }

  /** The function's name. */
  public String function() {
    return spec.name();
  }
}
