package dev.croupier.engine.internal.script;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.LeasedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes script replies, one method per reply shape, so that no caller indexes into a raw
 * reply: the layouts the script headers document are read here and nowhere else. A reply that
 * does not have its shape is a mismatch between the scripts and this class, reported as an
 * {@link IllegalStateException}.
 */
public final class Replies {
  private Replies() {}

  // ---- codes ----

  /** A bare code: every script that replies no data (acks, leases, releases, cancels, replays). */
  public static ReplyCode code(Object reply) {
    return ReplyCode.of(asLong(reply));
  }

  // ---- enqueue ----

  /** The reply of {@code enqueueJob}: {job id, 1 if a duplicate else 0}, the first job's id for a duplicate. */
  public static EnqueueResult enqueued(Object reply) {
    List<Object> r = asList(reply);
    return new EnqueueResult(asString(r.get(0)), asLong(r.get(1)) == 1);
  }

  // ---- claims ----

  /**
   * A due tenant as {@code peekTenants} saw it: its earliest score, decayed usage, jobs in flight,
   * how many of its queues are due (0, 1, or 2 meaning several) with the earliest of them ("" if
   * none), and when it was last served (0 = never).
   */
  public record DueTenant(String tenant, long score, double usage, long inFlight, long dueQueues,
      String firstQueue, long lastServed) {}

  /** How many tenants of a shard are due, when the next one is due (-1 if none), and a sample of the due. */
  public record TenantPeek(long due, long nextDue, List<DueTenant> tenants) {}

  /** The reply of {@code peekTenants}: {due count, next due, then 7 fields per tenant}. */
  public static TenantPeek tenantPeek(Object reply) {
    List<Object> r = asList(reply);
    List<DueTenant> tenants = new ArrayList<>((r.size() - 2) / 7);
    for (int i = 2; i + 6 < r.size(); i += 7) {
      tenants.add(new DueTenant(asString(r.get(i)), asLong(r.get(i + 1)), asDouble(r.get(i + 2)),
          asLong(r.get(i + 3)), asLong(r.get(i + 4)), asString(r.get(i + 5)), asLong(r.get(i + 6))));
    }
    return new TenantPeek(asLong(r.get(0)), asLong(r.get(1)), tenants);
  }

  /** A due virtual queue and its index score. */
  public record DueQueue(String queueId, long score) {}

  /** The reply of {@code peekQueues}: {queue id, score, ...}. */
  public static List<DueQueue> dueQueues(Object reply) {
    List<Object> r = asList(reply);
    List<DueQueue> queues = new ArrayList<>(r.size() / 2);
    for (int i = 0; i + 1 < r.size(); i += 2) {
      queues.add(new DueQueue(asString(r.get(i)), asLong(r.get(i + 1))));
    }
    return queues;
  }

  /** The jobs a {@code leaseJobs} call took ({@link ReplyCode#OK}, maybe none), or why it took none. */
  public record LeasedJobs(ReplyCode code, List<LeasedJob> jobs) {}

  /**
   * The reply of {@code leaseJobs}: its jobs (each {id, payload, attempt, max attempts,
   * enqueued-at, {key name, value, ...}}), which it leased from a queue of {@code tenant} and
   * {@code function} until {@code deadline}, or a code.
   */
  public static LeasedJobs leasedJobs(Object reply, String tenant, String function, Instant deadline) {
    if (!(reply instanceof List<?>)) {
      return new LeasedJobs(code(reply), List.of());
    }
    List<Object> rows = asList(reply);
    List<LeasedJob> jobs = new ArrayList<>(rows.size());
    for (Object row : rows) {
      List<Object> j = asList(row);
      List<Object> kv = asList(j.get(5));
      Map<String, String> keyValues = new HashMap<>();
      for (int k = 0; k + 1 < kv.size(); k += 2) {
        keyValues.put(asString(kv.get(k)), asString(kv.get(k + 1)));
      }
      jobs.add(new LeasedJob(asString(j.get(0)), tenant, function, asBytes(j.get(1)), (int) asLong(j.get(2)),
          (int) asLong(j.get(3)), keyValues, deadline, Instant.ofEpochMilli(asLong(j.get(4)))));
    }
    return new LeasedJobs(ReplyCode.OK, jobs);
  }

  // ---- leases and jobs ----

  /** What one scavenger sweep did: jobs retried, and jobs out of attempts moved to the DLQ. */
  public record Swept(long requeued, long dead) {
    /** Jobs whose expired lease the sweep ended, either way. */
    public long total() {
      return requeued + dead;
    }
  }

  /** The reply of {@code requeueExpired}: {requeued, dead}. */
  public static Swept swept(Object reply) {
    List<Object> r = asList(reply);
    return new Swept(asLong(r.get(0)), asLong(r.get(1)));
  }

  /** The reply of {@code watchJob}: the job's state, or empty when there is no such job. */
  public static Optional<String> jobState(Object reply) {
    if (reply instanceof Long) {
      ReplyCode c = code(reply);
      if (c != ReplyCode.UNKNOWN_JOB) {
        throw new IllegalStateException("unexpected reply to watchJob: " + c);
      }
      return Optional.empty();
    }
    return Optional.of(asString(reply));
  }

  // ---- Redis values (package-private: callers use the shapes above) ----

  /** A reply as a long (integer replies, or numeric bulk strings). */
  static long asLong(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return (long) Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a double. */
  static double asDouble(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a string, or null for a nil reply. */
  static String asString(Object reply) {
    if (reply == null) {
      return null;
    }
    if (reply instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (reply instanceof Long l) {
      return Long.toString(l);
    }
    throw new IllegalStateException("expected a string from Redis, got " + describe(reply));
  }

  /** A reply as raw bytes. */
  static byte[] asBytes(Object reply) {
    if (reply instanceof byte[] b) {
      return b;
    }
    return reply == null ? new byte[0] : asString(reply).getBytes(StandardCharsets.UTF_8);
  }

  /** A multi-bulk reply. */
  @SuppressWarnings("unchecked")
  static List<Object> asList(Object reply) {
    if (reply instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new IllegalStateException("expected a list from Redis, got " + describe(reply));
  }

  private static String describe(Object reply) {
    return reply == null ? "nil" : reply.getClass().getSimpleName();
  }
}
