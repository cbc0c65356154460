package dev.croupier.app.demo;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One demo job's payload: its tenant and when its enqueue was submitted, on this JVM's
 * {@link System#nanoTime()} scale. Both queues carry the same bytes, so both runs do the same work.
 *
 * @param tenant the tenant that enqueued it
 * @param submittedNanos when the enqueue call that carried it began
 */
record DemoJob(String tenant, long submittedNanos) {

  DemoJob {
    Objects.requireNonNull(tenant, "tenant");
  }

  /** The payload: {@code tenant:nanos} in UTF-8. */
  String encode() {
    return tenant + ':' + submittedNanos;
  }

  /** Reads a payload written by {@link #encode()}. */
  static DemoJob decode(String payload) {
    int colon = payload.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a demo job payload: " + payload);
    }
    return new DemoJob(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1)));
  }

  /** Reads a payload written by {@link #encode()}, as bytes. */
  static DemoJob decode(byte[] payload) {
    return decode(new String(payload, StandardCharsets.UTF_8));
  }
}
