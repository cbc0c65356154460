package dev.croupier.api;

/** The root of every exception Croupier throws. Unchecked: callers decide where to handle it. */
public class CroupierException extends RuntimeException {

  /** Creates an exception with a message that says what was wrong and what to do. */
  public CroupierException(String message) {
    super(message);
  }

  /** Creates an exception with its cause. */
  public CroupierException(String message, Throwable cause) {
    super(message, cause);
  }
}
