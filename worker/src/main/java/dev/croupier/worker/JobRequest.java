package dev.croupier.worker;

import dev.croupier.api.Names;
import dev.croupier.api.OptionChecks;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One job to enqueue through a {@link CroupierClient}. Build with {@link #newBuilder}.
 *
 * @param tenant whose job it is
 * @param function which function runs it
 * @param payload its bytes
 * @param runAt when it becomes due, or null for now
 * @param delay how long after enqueue it becomes due (ignored when runAt is set)
 * @param priority how far ahead of same-time jobs in its queue it goes
 * @param idempotencyKey deduplicates enqueues within the engine's window, or null
 * @param concurrencyKeys values for the function's keyed limits, by key name
 * @param maxAttempts overrides the function's retry policy, or 0
 */
public record JobRequest(
    String tenant,
    String function,
    byte[] payload,
    Instant runAt,
    Duration delay,
    Duration priority,
    String idempotencyKey,
    Map<String, String> concurrencyKeys,
    int maxAttempts) {

  /** Validates the names and options; the node checks the rest. */
  public JobRequest {
    Names.requireTenant(tenant);
    Names.requireFunction(function);
    payload = payload == null ? new byte[0] : payload;
    delay = OptionChecks.requireNonNegative("delay", delay);
    priority = OptionChecks.requireNonNegative("priority", priority);
    concurrencyKeys = Map.copyOf(Objects.requireNonNull(concurrencyKeys, "concurrencyKeys"));
    if (maxAttempts < 0 || maxAttempts > 1000) {
      throw new IllegalArgumentException("maxAttempts must be between 0 and 1000: " + maxAttempts);
    }
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
    private Instant runAt;
    private Duration delay = Duration.ZERO;
    private Duration priority = Duration.ZERO;
    private String idempotencyKey;
    private final Map<String, String> concurrencyKeys = new LinkedHashMap<>();
    private int maxAttempts;

    private Builder(String tenant, String function) {
      this.tenant = tenant;
      this.function = function;
    }

    /** The payload bytes. */
    public Builder payload(byte[] v) {
      payload = v;
      return this;
    }

    /** The payload as UTF-8 text. */
    public Builder payload(String v) {
      payload = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return this;
    }

    /** Runs no earlier than {@code at}. */
    public Builder runAt(Instant at) {
      runAt = at;
      return this;
    }

    /** Runs no earlier than {@code d} after enqueue. */
    public Builder delay(Duration d) {
      delay = d;
      return this;
    }

    /** Orders the job as if it had been due {@code p} earlier. */
    public Builder priority(Duration p) {
      priority = p;
      return this;
    }

    /** Deduplicates enqueues with this key. */
    public Builder idempotencyKey(String key) {
      idempotencyKey = key;
      return this;
    }

    /** Sets the value of the function's keyed limit {@code key}. */
    public Builder concurrencyKey(String key, String value) {
      concurrencyKeys.put(key, value);
      return this;
    }

    /** Overrides the function's max attempts. */
    public Builder maxAttempts(int n) {
      maxAttempts = n;
      return this;
    }

    /** Builds and validates the request. */
    public JobRequest build() {
      return new JobRequest(tenant, function, payload, runAt, delay, priority, idempotencyKey,
          concurrencyKeys, maxAttempts);
    }
  }
}
