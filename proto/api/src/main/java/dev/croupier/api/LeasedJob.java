package dev.croupier.api;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A job the engine leased for delivery. {@code leaseToken} proves the lease: completions and
 * extensions must present it, so nobody else can settle the job, and a worker whose lease expired
 * cannot complete the redelivery. It is a secret: it goes only to the worker that runs the job,
 * and {@link #toString()} leaves it out.
 *
 * @param id the job's id
 * @param tenant its tenant
 * @param function its function
 * @param payload its payload
 * @param attempt this delivery's number (1-based)
 * @param maxAttempts deliveries allowed
 * @param concurrencyKeys its concurrency-key values
 * @param deadline when the lease runs out unless extended
 * @param enqueuedAt when it was enqueued
 * @param headers its headers as given at enqueue (names lower-case)
 * @param leaseToken the secret that proves this lease (opaque)
 */
public record LeasedJob(
    String id,
    String tenant,
    String function,
    byte[] payload,
    int attempt,
    int maxAttempts,
    Map<String, String> concurrencyKeys,
    Instant deadline,
    Instant enqueuedAt,
    Map<String, String> headers,
    String leaseToken) {

  /** Checks the required fields. */
  public LeasedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(leaseToken, "leaseToken");
    concurrencyKeys = Map.copyOf(concurrencyKeys);
    headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
  }

  /** Everything but the payload's bytes and the lease token (a secret; logs must not hold it). */
  @Override
  public String toString() {
    return "LeasedJob[id=" + id + ", tenant=" + tenant + ", function=" + function + ", attempt="
        + attempt + "/" + maxAttempts + ", payload=" + payload.length + " bytes, deadline=" + deadline + "]";
  }
}
