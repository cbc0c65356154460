package dev.croupier.api.admin;

import dev.croupier.api.FunctionSpec;
import java.util.Objects;

/**
 * One function's settings and state.
 *
 * @param spec its stored config: limits, keyed limits, retry policy, lease timeout (the defaults
 *     when {@code registration} is {@link Registration#MISSING})
 * @param registration how its config is stored
 * @param paused whether claiming skips it
 * @param queued jobs of it waiting, due or not, over all tenants
 * @param running jobs of it leased now, over all tenants
 * @param dead jobs of it in dead-letter queues, over all tenants
 * @param workers workers connected to the answering node that serve it, -1 when the answering
 *     engine hosts no workers of its own (an embedded engine knows only its own handlers)
 * @param freeCredits jobs of it the answering node's workers could take now
 */
public record FunctionStats(
    FunctionSpec spec,
    Registration registration,
    boolean paused,
    long queued,
    long running,
    long dead,
    int workers,
    long freeCredits) {

  /** How a function's config is stored. */
  public enum Registration {
    /** An operator configured it: it lives until changed. */
    CONFIGURED,
    /** Workers registered it: it expires when none has registered it for a while. */
    REGISTERED,
    /** No config is stored (a registration expired): its jobs wait for a worker to register it. */
    MISSING
  }

  /** Checks the required fields. */
  public FunctionStats {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(registration, "registration");
  }

  /** The function's name. */
  public String function() {
    return spec.name();
  }

  /** These stats with the answering node's worker count and free credits. */
  public FunctionStats withWorkers(int workers, long freeCredits) {
    return new FunctionStats(spec, registration, paused, queued, running, dead, workers, freeCredits);
  }
}
