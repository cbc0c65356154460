package dev.croupier.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-job options at enqueue. Build with {@link #newBuilder()}; {@link #DEFAULTS} runs the job now.
 *
 * @param runAt when the job becomes due, or null for now; between the epoch and {@link #MAX_RUN_AT}
 * @param delay how long after enqueue it becomes due (ignored when runAt is set); at most
 *     {@link #MAX_DELAY}
 * @param priority how far ahead of same-time jobs in its queue it goes: a job with priority
 *     {@code p} is ordered as if it had been due {@code p} earlier (never runs before its run-at);
 *     at most {@link #MAX_PRIORITY}
 * @param idempotencyKey enqueues with the same tenant and key within the idempotency window
 *     return the first job's id, or null
 * @param idempotencyWindow how long this job's idempotency key deduplicates, or null for the
 *     engine's window (24 h by default); at most {@link #MAX_IDEMPOTENCY_WINDOW}, and only with a
 *     key. A key only guarding against a producer's own retries needs no more than its retry
 *     deadline: each key is kept in Redis (~150 bytes) for its whole window
 * @param concurrencyKeys values for the function's keyed limits, by key name
 * @param maxAttempts overrides the function's retry policy, or 0 to keep it
 * @param headers a small string map carried to the handler ({@link JobContext#headers()}),
 *     within {@link JobHeaders}' limits; names are kept lower-case
 * @param watched whether the job is watched from the start: its end is announced to watchers and
 *     its status record kept even where the engine keeps none ({@code statusRetention} zero).
 *     Set it on a job you will await: it cannot end unseen before the await reaches the engine
 */
public record EnqueueOptions(
    Instant runAt,
    Duration delay,
    Duration priority,
    String idempotencyKey,
    Duration idempotencyWindow,
    Map<String, String> concurrencyKeys,
    int maxAttempts,
    Map<String, String> headers,
    boolean watched) {

  /** Longest idempotency key accepted (it is hashed before it reaches a key name). */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 512;
  /** Longest concurrency-key value accepted (long or unusual values are hashed). */
  public static final int MAX_KEY_VALUE_LENGTH = 512;

  /**
   * Latest run-at accepted (the last millisecond of year 9999): far beyond any real schedule, and
   * small enough that run-at plus delay or minus priority never overflows a long or loses
   * precision as a Redis score (a double).
   */
  public static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59.999Z");
  /** Longest idempotency window a job may ask for (30 days). */
  public static final Duration MAX_IDEMPOTENCY_WINDOW = Duration.ofDays(30);
  /** Longest delay accepted (100 years of 365 days). */
  public static final Duration MAX_DELAY = Duration.ofDays(36_500);
  /** Largest priority accepted (100 years of 365 days). */
  public static final Duration MAX_PRIORITY = Duration.ofDays(36_500);

  /** Run now, no idempotency key, the function's retry policy. */
  public static final EnqueueOptions DEFAULTS = newBuilder().build();

  /** Validates every field. */
  public EnqueueOptions {
    if (runAt != null && (runAt.isBefore(Instant.EPOCH) || runAt.isAfter(MAX_RUN_AT))) {
      throw new IllegalArgumentException("runAt (run_at_ms) must be between " + Instant.EPOCH
          + " and " + MAX_RUN_AT + " (0.." + MAX_RUN_AT.toEpochMilli() + " ms): " + runAt);
    }
    delay = requireAtMost("delay (delay_ms)", OptionChecks.requireNonNegative("delay", delay),
        MAX_DELAY);
    priority = requireAtMost("priority (priority_ms)",
        OptionChecks.requireNonNegative("priority", priority), MAX_PRIORITY);
    if (idempotencyKey != null
        && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw new IllegalArgumentException("idempotencyKey must have 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
          + " characters: length " + idempotencyKey.length());
    }
    if (idempotencyWindow != null) {
      if (idempotencyKey == null) {
        throw new IllegalArgumentException("idempotencyWindow (idempotency_window_ms) needs an idempotencyKey");
      }
      if (idempotencyWindow.compareTo(Duration.ofMillis(1)) < 0 || idempotencyWindow.compareTo(MAX_IDEMPOTENCY_WINDOW) > 0) {
        throw new IllegalArgumentException("idempotencyWindow (idempotency_window_ms) must be between 1 and "
            + MAX_IDEMPOTENCY_WINDOW.toMillis() + " ms (" + MAX_IDEMPOTENCY_WINDOW.toDays() + " days): " + idempotencyWindow);
      }
    }
    concurrencyKeys = Map.copyOf(Objects.requireNonNull(concurrencyKeys, "concurrencyKeys"));
    concurrencyKeys.forEach((k, v) -> {
      if (v.isEmpty() || v.length() > MAX_KEY_VALUE_LENGTH) {
        throw new IllegalArgumentException("concurrency key '" + k + "' value must have 1-"
            + MAX_KEY_VALUE_LENGTH + " characters: length " + v.length());
      }
    });
    OptionChecks.requireRange("maxAttempts", maxAttempts, 0, 1000);
    headers = JobHeaders.normalize(headers);
  }

  /** These options with {@code headers} in place of the current ones (checked as at build). */
  public EnqueueOptions withHeaders(Map<String, String> headers) {
    return new EnqueueOptions(runAt, delay, priority, idempotencyKey, idempotencyWindow, concurrencyKeys,
        maxAttempts, headers, watched);
  }

  /** These options with {@code key} as the idempotency key, deduplicating for {@code window}. */
  public EnqueueOptions withIdempotencyKey(String key, Duration window) {
    return new EnqueueOptions(runAt, delay, priority, key, window, concurrencyKeys, maxAttempts, headers,
        watched);
  }

  private static Duration requireAtMost(String name, Duration d, Duration max) {
    if (d.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + " must be between 0 and " + max.toMillis()
          + " ms (" + max.toDays() + " days): " + d);
    }
    return d;
  }

  /** A builder starting from the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds {@link EnqueueOptions}. */
  public static final class Builder {
    private Instant runAt;
    private Duration delay = Duration.ZERO;
    private Duration priority = Duration.ZERO;
    private String idempotencyKey;
    private Duration idempotencyWindow;
    private final Map<String, String> concurrencyKeys = new LinkedHashMap<>();
    private int maxAttempts;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean watched;

    private Builder() {}

    /** Runs the job no earlier than {@code at}. */
    public Builder runAt(Instant at) {
      this.runAt = at;
      return this;
    }

    /** Runs the job no earlier than {@code d} after enqueue. */
    public Builder delay(Duration d) {
      this.delay = d;
      return this;
    }

    /** Orders the job as if it had been due {@code p} earlier. */
    public Builder priority(Duration p) {
      this.priority = p;
      return this;
    }

    /** Deduplicates enqueues with this key within the idempotency window. */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = key;
      return this;
    }

    /** How long this job's idempotency key deduplicates (default: the engine's window). */
    public Builder idempotencyWindow(Duration window) {
      this.idempotencyWindow = window;
      return this;
    }

    /** Sets the value of the function's keyed limit {@code key}. */
    public Builder concurrencyKey(String key, String value) {
      this.concurrencyKeys.put(key, value);
      return this;
    }

    /** Overrides the function's max attempts for this job. */
    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /**
     * Adds header {@code name} (case-insensitive; kept lower-case) with {@code value}; see
     * {@link JobHeaders} for the limits, checked by {@link #build()}.
     */
    public Builder header(String name, String value) {
      this.headers.put(name, value);
      return this;
    }

    /** Adds every header of {@code headers}. */
    public Builder headers(Map<String, String> headers) {
      this.headers.putAll(headers);
      return this;
    }

    /** Watches the job from the start ({@link EnqueueOptions#watched}): for a job you will await. */
    public Builder watched(boolean watched) {
      this.watched = watched;
      return this;
    }

    /** Builds and validates the options. */
    public EnqueueOptions build() {
      return new EnqueueOptions(runAt, delay, priority, idempotencyKey, idempotencyWindow, concurrencyKeys,
          maxAttempts, headers, watched);
    }
  }
}
