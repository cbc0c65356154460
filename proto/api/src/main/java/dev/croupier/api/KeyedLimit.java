package dev.croupier.api;

/**
 * A concurrency limit per value of a named key, e.g. at most 5 jobs in flight per {@code provider}.
 * The limit holds across tenants for the same value; put the tenant into the value to scope it.
 * A function's first keyed limit is part of its virtual queues' identity, so one busy key value
 * never blocks the others.
 */
public record KeyedLimit(String key, int limit) {

  /** Validates the key name and that the limit is positive. */
  public KeyedLimit {
    Names.requireKeyName(key);
    if (limit <= 0) {
      throw new IllegalArgumentException("limit for key '" + key + "' must be positive: " + limit);
    }
  }
}
