package dev.croupier.node.internal.dashboard;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.KeyedLimit;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The API's JSON shapes. They are the dashboard's contract with its browser code, kept apart
 * from the engine's Java types so either can change without surprising the other; times are
 * epoch milliseconds (null when absent).
 */
final class Views {

  private Views() {}

  /** A function's stored config. */
  record Function(String name, int concurrencyLimit, int perTenantLimit,
      List<Keyed> keyedLimits, int maxAttempts, long retryBaseMs, double retryFactor,
      long retryCapMs, long leaseTimeoutMs, boolean paused) {
    static Function of(FunctionSpec f, boolean paused) {
      return new Function(f.name(), f.concurrencyLimit(), f.perTenantLimit(),
          f.keyedLimits().stream().map(Keyed::of).toList(), f.retry().maxAttempts(),
          f.retry().base().toMillis(), f.retry().factor(), f.retry().cap().toMillis(),
          f.leaseTimeout().toMillis(), paused);
    }
  }

  /** One keyed limit. */
  record Keyed(String key, int limit) {
    static Keyed of(KeyedLimit k) {
      return new Keyed(k.key(), k.limit());
    }
  }

  /** A job as looked up. */
  record Job(String id, String tenant, String function, String state, int attempts,
      int maxAttempts, String lastError, Long runAt, Long enqueuedAt, Long finishedAt,
      Map<String, String> concurrencyKeys) {
    static Job of(JobInfo j) {
      return new Job(j.id(), j.tenant(), j.function(), j.state().name(), j.attempts(),
          j.maxAttempts(), j.lastError(), millis(j.runAt()), millis(j.enqueuedAt()),
          millis(j.finishedAt()), j.concurrencyKeys());
    }
  }

  /** The answer to a change: whether it did something, and what. */
  record Done(boolean ok, String message) {}

  static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  /** A duration in (fractional) milliseconds, null when absent. */
  static Double ms(java.time.Duration d) {
    return d == null ? null : d.toNanos() / 1e6;
  }
}
