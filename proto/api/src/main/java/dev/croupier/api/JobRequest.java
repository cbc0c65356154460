package dev.croupier.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One job to enqueue, the same record for the embedded engine and the remote client. Build with
 * {@link #newBuilder}; the builder's option setters fill in {@link EnqueueOptions}.
 *
 * @param tenant whose job it is
 * @param function which function runs it
 * @param payload its bytes (empty when null)
 * @param options when it runs, deduplication, keyed-limit values, attempts and headers
 */
public record JobRequest(String tenant, String function, byte[] payload, EnqueueOptions options) {

  /** Validates the names; the payload defaults to empty and the options to {@link EnqueueOptions#DEFAULTS}. */
  public JobRequest {
    Names.requireTenant(tenant);
    Names.requireFunction(function);
    payload = payload == null ? new byte[0] : payload;
    options = options == null ? EnqueueOptions.DEFAULTS : options;
  }

  /** A job due now with the given payload. */
  public static JobRequest of(String tenant, String function, byte[] payload) {
    return new JobRequest(tenant, function, payload, EnqueueOptions.DEFAULTS);
  }

  /** This request with {@code headers} in place of its current ones. */
  public JobRequest withHeaders(Map<String, String> headers) {
    return new JobRequest(tenant, function, payload, options.withHeaders(headers));
  }

  /** A job of {@code tenant} for {@code function}, due now, with an empty payload. */
  public static Builder newBuilder(String tenant, String function) {
    return new Builder(tenant, function);
  }

  /** Builds {@link JobRequest}s. */
  public static final class Builder {
    private final String tenant;
    private final String function;
    private byte[] payload = new byte[0];
    private final EnqueueOptions.Builder options = EnqueueOptions.newBuilder();

    private Builder(String tenant, String function) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      this.function = Objects.requireNonNull(function, "function");
    }

    /** The payload bytes. */
    public Builder payload(byte[] v) {
      payload = v;
      return this;
    }

    /** The payload as UTF-8 text. */
    public Builder payload(String v) {
      payload = v.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Runs no earlier than {@code at}. */
    public Builder runAt(Instant at) {
      options.runAt(at);
      return this;
    }

    /** Runs no earlier than {@code d} after enqueue. */
    public Builder delay(Duration d) {
      options.delay(d);
      return this;
    }

    /** Orders the job as if it had been due {@code p} earlier. */
    public Builder priority(Duration p) {
      options.priority(p);
      return this;
    }

    /** Deduplicates enqueues with this key. */
    public Builder idempotencyKey(String key) {
      options.idempotencyKey(key);
      return this;
    }

    /** How long the idempotency key deduplicates (default: the engine's window). */
    public Builder idempotencyWindow(Duration window) {
      options.idempotencyWindow(window);
      return this;
    }

    /** Sets the value of the function's keyed limit {@code key}. */
    public Builder concurrencyKey(String key, String value) {
      options.concurrencyKey(key, value);
      return this;
    }

    /** Overrides the function's max attempts. */
    public Builder maxAttempts(int n) {
      options.maxAttempts(n);
      return this;
    }

    /** Adds a header for the handler (see {@link JobHeaders} for the limits). */
    public Builder header(String name, String value) {
      options.header(name, value);
      return this;
    }

    /** Adds headers for the handler. */
    public Builder headers(Map<String, String> headers) {
      options.headers(headers);
      return this;
    }

    /**
     * Watches the job from the start ({@link EnqueueOptions#watched}): set it on a job you will
     * await, so that it cannot end unseen before the await reaches the engine.
     */
    public Builder watched(boolean watched) {
      options.watched(watched);
      return this;
    }

    /** Builds and validates the request. */
    public JobRequest build() {
      return new JobRequest(tenant, function, payload, options.build());
    }
  }
}
