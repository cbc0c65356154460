package dev.croupier.spring;

import dev.croupier.api.CroupierException;

/**
 * The starter cannot run with what the application declared: a missing or invalid
 * {@code croupier.*} property, a handler it cannot use, or a mode whose module is not on the
 * classpath. Thrown during start-up; Spring Boot prints its {@link #action()} under the failure.
 */
public class CroupierConfigurationException extends CroupierException {

  private final String action;

  /** What is wrong ({@code message}) and what to do about it ({@code action}). */
  public CroupierConfigurationException(String message, String action) {
    this(message, action, null);
  }

  /** What is wrong, what to do, and the error that showed it. */
  public CroupierConfigurationException(String message, String action, Throwable cause) {
    super(message, cause);
    this.action = action;
  }

  /** What to change so the application starts. */
  public String action() {
    return action;
  }
}
