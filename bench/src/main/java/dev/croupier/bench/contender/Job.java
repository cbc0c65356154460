package dev.croupier.bench.contender;

import java.util.Objects;

/**
 * One benchmark job: whose it is, which of the tenant's queues it goes to, and how long it runs.
 *
 * @param tenantIndex the tenant's index in the workload (what the metrics key on)
 * @param tenant the tenant's name
 * @param queue the queue within the tenant ("" for the tenant's one default queue)
 * @param seq a number unique in the run
 * @param costMicros how long the handler runs it, in microseconds
 * @param enqueuedNanos when the producer enqueued it, on {@link System#nanoTime()}
 */
public record Job(int tenantIndex, String tenant, String queue, long seq, long costMicros,
    long enqueuedNanos) {

  /** Checks the fields; names must not contain the separator {@code |}. */
  public Job {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(queue, "queue");
    if (tenant.indexOf('|') >= 0 || queue.indexOf('|') >= 0) {
      throw new IllegalArgumentException("tenant and queue must not contain '|': " + tenant + "/" + queue);
    }
    if (costMicros < 0) {
      throw new IllegalArgumentException("costMicros must not be negative: " + costMicros);
    }
  }

  /** The id of its queue across tenants: {@code tenant} or {@code tenant:queue}. */
  public String queueId() {
    return queue.isEmpty() ? tenant : tenant + ":" + queue;
  }

  /** This job stamped as enqueued at {@code nanos}. */
  public Job enqueuedAt(long nanos) {
    return new Job(tenantIndex, tenant, queue, seq, costMicros, nanos);
  }

  /** The job as one string, the element the list-based contenders store. */
  public String encode() {
    return tenantIndex + "|" + tenant + "|" + queue + "|" + seq + "|" + costMicros + "|" + enqueuedNanos;
  }

  /** Parses {@link #encode()}'s output. */
  public static Job decode(String s) {
    String[] f = s.split("\\|", -1);
    if (f.length != 6) {
      throw new IllegalArgumentException("not an encoded job: " + s);
    }
    return new Job(Integer.parseInt(f[0]), f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
        Long.parseLong(f[5]));
  }
}
