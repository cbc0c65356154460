package dev.croupier.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A function's name and flow-control config, as workers register it and as the engine stores it.
 * Limits of 0 mean unlimited.
 *
 * @param name the function's name
 * @param concurrencyLimit jobs of this function in flight across all tenants
 * @param perTenantLimit jobs of this function in flight per tenant
 * @param keyedLimits limits per key value; the first one is part of the virtual queue's identity
 * @param retry how failures are retried
 * @param leaseTimeout the visibility timeout: a job whose lease is not extended within it is
 *     requeued
 */
public record FunctionSpec(
    String name,
    int concurrencyLimit,
    int perTenantLimit,
    List<KeyedLimit> keyedLimits,
    RetryPolicy retry,
    Duration leaseTimeout) {

  /** The lease (visibility) timeout unless a function says otherwise. */
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(30);
  /** The shortest lease timeout accepted: heartbeats must fit inside it. */
  public static final Duration MIN_LEASE_TIMEOUT = Duration.ofMillis(200);
  /** Most keyed limits one function may declare. */
  public static final int MAX_KEYED_LIMITS = 4;

  /** Validates every field. */
  public FunctionSpec {
    Names.requireFunction(name);
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrencyLimit must not be negative: " + concurrencyLimit);
    }
    if (perTenantLimit < 0) {
      throw new IllegalArgumentException("perTenantLimit must not be negative: " + perTenantLimit);
    }
    keyedLimits = List.copyOf(Objects.requireNonNull(keyedLimits, "keyedLimits"));
    if (keyedLimits.size() > MAX_KEYED_LIMITS) {
      throw new IllegalArgumentException(
          "at most " + MAX_KEYED_LIMITS + " keyed limits per function: " + keyedLimits.size());
    }
    Set<String> seen = new HashSet<>();
    for (KeyedLimit k : keyedLimits) {
      if (!seen.add(k.key())) {
        throw new IllegalArgumentException("keyed limit '" + k.key() + "' is declared twice");
      }
    }
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(leaseTimeout, "leaseTimeout");
    if (leaseTimeout.compareTo(MIN_LEASE_TIMEOUT) < 0) {
      throw new IllegalArgumentException(
          "leaseTimeout must be at least " + MIN_LEASE_TIMEOUT + ": " + leaseTimeout);
    }
  }

  /** A builder for the function {@code name}, starting from the defaults. */
  public static Builder newBuilder(String name) {
    return new Builder(name);
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.concurrencyLimit = concurrencyLimit;
    b.perTenantLimit = perTenantLimit;
    b.keyedLimits.addAll(keyedLimits);
    b.retry = retry;
    b.leaseTimeout = leaseTimeout;
    return b;
  }

  /** The keyed limit that splits this function's queues, or null when it has none. */
  public KeyedLimit queueKey() {
    return keyedLimits.isEmpty() ? null : keyedLimits.get(0);
  }

  /** Builds {@link FunctionSpec}s. */
  public static final class Builder {
    private final String name;
    private int concurrencyLimit;
    private int perTenantLimit;
    private final List<KeyedLimit> keyedLimits = new ArrayList<>();
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;

    private Builder(String name) {
      this.name = name;
    }

    /** Jobs in flight across all tenants; 0 = unlimited. */
    public Builder concurrencyLimit(int n) {
      this.concurrencyLimit = n;
      return this;
    }

    /** Jobs in flight per tenant; 0 = unlimited. */
    public Builder perTenantLimit(int n) {
      this.perTenantLimit = n;
      return this;
    }

    /** Adds a limit per value of {@code key}. */
    public Builder keyedLimit(String key, int limit) {
      this.keyedLimits.add(new KeyedLimit(key, limit));
      return this;
    }

    /** The retry policy. */
    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** The lease (visibility) timeout. */
    public Builder leaseTimeout(Duration timeout) {
      this.leaseTimeout = timeout;
      return this;
    }

    /** Builds and validates the spec. */
    public FunctionSpec build() {
      return new FunctionSpec(name, concurrencyLimit, perTenantLimit, keyedLimits, retry, leaseTimeout);
    }
  }
}
