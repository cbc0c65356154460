package dev.croupier.worker.internal.run;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.execution.Slots;
import dev.croupier.worker.internal.net.Connection;

/**
 * A function this worker serves: its spec, its handler and its slots. A reserved slot is a credit
 * granted on {@link #liveOn} and not yet used. {@code liveOn} is guarded by the runtime's lock.
 */
final class Registration {

  final FunctionSpec spec;
  final JobHandler handler;
  final Slots slots;
  /** The connection this function is registered and credited on, or null. */
  Connection liveOn;

  Registration(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    this.spec = spec;
    this.handler = handler;
    this.slots = new Slots(maxInFlight);
  }

  String name() {
    return spec.name();
  }
}
