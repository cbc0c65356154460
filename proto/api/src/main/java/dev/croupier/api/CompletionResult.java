package dev.croupier.api;

/** What the engine did with a completion or a lease extension. */
public enum CompletionResult {
  /** Recorded. */
  ACCEPTED,
  /** The lease was lost (expired and requeued, cancelled, or another attempt holds it): ignored. */
  STALE,
  /** No such job (never existed, or its status record expired). */
  UNKNOWN_JOB
}
