package dev.croupier.engine.internal.script;

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
 * reply: the reply layouts the script headers document are read here and nowhere else.
 */
public final class Replies {
  private Replies() {}

  /** A bare code: every script that replies no data (acks, leases, releases, cancels, replays). */
  public static ReplyCode code(Object reply) {
    return ReplyCode.of(asLong(reply));
  }

  /** The jobs a {@code leaseJobs} call took, or why it took none. */
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

  /** A reply as a long (integer replies, or numeric bulk strings). */
  public static long asLong(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return (long) Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a double. */
  public static double asDouble(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a string, or null for a nil reply. */
  public static String asString(Object reply) {
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
  public static byte[] asBytes(Object reply) {
    if (reply instanceof byte[] b) {
      return b;
    }
    return reply == null ? new byte[0] : asString(reply).getBytes(StandardCharsets.UTF_8);
  }

  /** A multi-bulk reply. */
  @SuppressWarnings("unchecked")
  public static List<Object> asList(Object reply) {
    if (reply instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new IllegalStateException("expected a list from Redis, got " + describe(reply));
  }

  private static String describe(Object reply) {
    return reply == null ? "nil" : reply.getClass().getSimpleName();
  }
}
