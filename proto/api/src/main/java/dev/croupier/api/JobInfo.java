package dev.croupier.api;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A job as looked up by id.
 *
 * @param id the job's id
 * @param tenant its tenant
 * @param function its function
 * @param state where it is now
 * @param attempts deliveries so far
 * @param maxAttempts deliveries allowed
 * @param lastError the last failure's message, or null
 * @param runAt when it is (or was) due
 * @param enqueuedAt when it was enqueued
 * @param finishedAt when it reached a final state, or null
 * @param concurrencyKeys its concurrency-key values by key name
 * @param headers its headers as given at enqueue (names lower-case)
 */
public record JobInfo(
    String id,
    String tenant,
    String function,
    JobState state,
    int attempts,
    int maxAttempts,
    String lastError,
    Instant runAt,
    Instant enqueuedAt,
    Instant finishedAt,
    Map<String, String> concurrencyKeys,
    Map<String, String> headers) {

  /** Checks the required fields. */
  public JobInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    concurrencyKeys = Map.copyOf(concurrencyKeys);
    headers = headers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(headers));
  }
}
