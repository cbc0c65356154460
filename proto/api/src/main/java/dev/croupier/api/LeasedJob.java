package dev.croupier.api;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A job the engine leased for delivery. {@code attempt} is also the lease token: completions and
 * extensions must present it, so a worker whose lease expired cannot complete a redelivered job.
 *
 * @param id the job's id
 * @param tenant its tenant
 * @param function its function
 * @param payload its payload
 * @param attempt this delivery's number (1-based), the lease token
 * @param maxAttempts deliveries allowed
 * @param concurrencyKeys its concurrency-key values
 * @param deadline when the lease runs out unless extended
 * @param enqueuedAt when it was enqueued
 * @param headers its headers as given at enqueue (names lower-case)
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
    Map<String, String> headers) {

  /** Checks the required fields. */
  public LeasedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    concurrencyKeys = Map.copyOf(concurrencyKeys);
    headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
  }
}
