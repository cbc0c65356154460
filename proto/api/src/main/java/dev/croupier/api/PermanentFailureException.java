package dev.croupier.api;

/** Thrown by a handler when retrying cannot help: the job goes straight to the dead-letter queue. */
public class PermanentFailureException extends RuntimeException {

  /** Fails the job for good; the message is kept as its last error. */
  public PermanentFailureException(String message) {
    super(message);
  }

  /** Fails the job for good, keeping the cause. */
  public PermanentFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
