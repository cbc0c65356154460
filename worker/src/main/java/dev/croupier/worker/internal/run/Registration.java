package dev.croupier.worker.internal.run;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.worker.internal.net.Connection;

/** A function this worker serves: its spec, its slots and its handler. Counters guarded by the runtime's lock. */
final class Registration {

  final FunctionSpec spec;
  final int maxInFlight;
  final JobHandler handler;
  /** Jobs of this function running now (on any connection). */
  int running;
  /** The connection this function is registered and credited on, or null. */
  Connection liveOn;

  Registration(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    this.spec = spec;
    this.maxInFlight = maxInFlight;
    this.handler = handler;
  }

  String name() {
    return spec.name();
  }
}
