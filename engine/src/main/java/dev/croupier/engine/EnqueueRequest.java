package dev.croupier.engine;

import java.util.Objects;

/** One job to enqueue, as a batch element. */
public record EnqueueRequest(String tenant, String function, byte[] payload, EnqueueOptions options) {

  /** Checks the required fields; names are validated by the engine. */
  public EnqueueRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(payload, "payload");
    options = options == null ? EnqueueOptions.DEFAULTS : options;
  }
}
