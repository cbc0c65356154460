package dev.croupier.engine.internal.script;

import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.api.LeasedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * The reply of {@code enqueueJobs}: per job, null when it was stored, or the id of the job an
   * earlier enqueue with the same idempotency key stored.
   */
  public static List<String> duplicates(Object reply) {
    List<Object> r = asList(reply);
    List<String> out = new ArrayList<>(r.size());
    for (Object o : r) {
      out.add(o instanceof Long ? null : asString(o));
    }
    return out;
  }

  // ---- claims ----

  /**
   * What one {@code claimJobs} call took: its code ({@link ReplyCode#OK}, or
   * {@link ReplyCode#AT_CAPACITY} when the function is at its limit), when the shard's timer next
   * wakes something (-1 if never), whether the function's ready set still holds tenants after it
   * ({@code more}: false when the call emptied it), and the jobs; {@code dueAt} holds, for each
   * job in order, when that attempt became due (ms since the epoch; 0 when unknown), which the
   * wait metrics need.
   */
  public record Claimed(ReplyCode code, long nextTimer, boolean more, List<LeasedJob> jobs, long[] dueAt) {

    /** When job {@code i} became due, or when it was enqueued if that is later (ms). */
    public long waitingSince(int i) {
      return Math.max(jobs.get(i).enqueuedAt().toEpochMilli(), dueAt[i]);
    }
  }

  /**
   * The reply of {@code claimJobs}: {code, next timer ms, more (1/0), then per job id, tenant,
   * payload, attempt, max attempts, enqueued-at ("" = its id's time), headers, due-at ("" = its
   * enqueued-at), n, n key name, value pairs} (one flat list), leased for {@code function} until
   * {@code deadline}; headers are {@link HeaderField}'s form ("" = none); the n-th job holds the
   * n-th of {@code leaseTokens} (the tokens the claim was given, taken in order).
   */
  public static Claimed claimed(Object reply, String function, Instant deadline, List<String> leaseTokens) {
    List<Object> r = asList(reply);
    List<LeasedJob> jobs = new ArrayList<>(leaseTokens.size());
    long[] dueAt = new long[leaseTokens.size()];
    int at = 3;
    while (at + 8 < r.size()) {
      int n = jobs.size();
      String id = asString(r.get(at));
      long enqueued = absent(r.get(at + 5)) ? JobIds.timeOf(id) : asLong(r.get(at + 5));
      int pairs = (int) asLong(r.get(at + 8));
      Map<String, String> keyValues = pairs == 0 ? Map.of() : new HashMap<>();
      for (int k = 0; k < pairs; k++) {
        keyValues.put(asString(r.get(at + 9 + 2 * k)), asString(r.get(at + 10 + 2 * k)));
      }
      dueAt[n] = absent(r.get(at + 7)) ? enqueued : asLong(r.get(at + 7));
      jobs.add(new LeasedJob(id, asString(r.get(at + 1)), function, asBytes(r.get(at + 2)),
          (int) asLong(r.get(at + 3)), (int) asLong(r.get(at + 4)), keyValues, deadline,
          Instant.ofEpochMilli(enqueued), HeaderField.decode(asString(r.get(at + 6))), leaseTokens.get(n)));
      at += 9 + 2 * pairs;
    }
    if (at != r.size()) {
      throw new IllegalStateException("a claim reply of " + r.size() + " values ends inside a job at " + at);
    }
    return new Claimed(ReplyCode.of(asLong(r.get(0))), asLong(r.get(1)), asLong(r.get(2)) == 1, jobs,
        jobs.size() == dueAt.length ? dueAt : Arrays.copyOf(dueAt, jobs.size()));
  }

  /** Whether a value the script may leave out was left out ("" or nil). */
  private static boolean absent(Object reply) {
    return reply == null || reply instanceof byte[] b && b.length == 0;
  }

  /** The reply of {@code completeJobs}: one code per completion, in order. */
  public static List<ReplyCode> codes(Object reply) {
    List<Object> r = asList(reply);
    List<ReplyCode> out = new ArrayList<>(r.size());
    for (Object o : r) {
      out.add(code(o));
    }
    return out;
  }

  // ---- leases and jobs ----

  /**
   * What one scavenger sweep did: jobs retried, and jobs out of attempts moved to the DLQ; {@code
   * more} when it stopped on its time budget with expired leases left.
   */
  public record Swept(long requeued, long dead, boolean more) {
    /** Jobs whose expired lease the sweep ended, either way. */
    public long total() {
      return requeued + dead;
    }
  }

  /** The reply of {@code requeueExpired}: {requeued, dead, more}. */
  public static Swept swept(Object reply) {
    List<Object> r = asList(reply);
    return new Swept(asLong(r.get(0)), asLong(r.get(1)), asLong(r.get(2)) == 1);
  }

  /** The reply of {@code watchJobs}: each job's state, or empty when there is no such job. */
  public static List<Optional<String>> jobStates(Object reply) {
    List<Object> r = asList(reply);
    List<Optional<String>> out = new ArrayList<>(r.size());
    for (Object o : r) {
      String st = asString(o);
      out.add(st.isEmpty() ? Optional.empty() : Optional.of(st));
    }
    return out;
  }

  // ---- Redis values (package-private: callers use the shapes above) ----

  /** A reply as a long (integer replies, or numeric bulk strings). */
  static long asLong(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      long digits = digits(b);
      return digits >= 0 ? digits : (long) Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** The value of {@code b} when it is 1-18 decimal digits (most numbers scripts answer), else -1. */
  private static long digits(byte[] b) {
    if (b.length == 0 || b.length > 18) {
      return -1;
    }
    long v = 0;
    for (byte c : b) {
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
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
