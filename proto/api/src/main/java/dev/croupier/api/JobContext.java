package dev.croupier.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** What a handler knows about the job it runs, and how it keeps its lease alive. */
public interface JobContext {

  /** The job's id, stable across attempts. */
  String id();

  /** The tenant whose job this is. */
  String tenant();

  /** The function the job belongs to. */
  String function();

  /** The payload bytes given at enqueue. */
  byte[] payload();

  /** The payload decoded as UTF-8. */
  default String payloadUtf8() {
    return new String(payload(), StandardCharsets.UTF_8);
  }

  /** This delivery's number, starting at 1. */
  int attempt();

  /** How many deliveries the job may have before it is dead. */
  int maxAttempts();

  /** The concurrency-key values given at enqueue, by key name. */
  Map<String, String> concurrencyKeys();

  /**
   * The headers given at enqueue, by lower-case name (empty when none). With OpenTelemetry on the
   * class path they carry the enqueuer's trace ({@code traceparent}, {@code tracestate}), and the
   * handler already runs in that trace: {@code Span.current()} is the job's run span.
   */
  Map<String, String> headers();

  /** When the current lease runs out unless it is extended. */
  Instant leaseDeadline();

  /**
   * Extends the lease now. Runners already heartbeat long jobs on their own; call this only to
   * learn early that the lease was lost (then it returns false and the job will be redelivered).
   */
  boolean heartbeat();
}
