package dev.croupier.app.cli;

import dev.croupier.protocol.ServerException;

/**
 * The exit codes every command uses, documented in docs/operations.md ("The admin CLI"), so a
 * script can tell a missing job from a refused token from a node that is away.
 */
public final class ExitCodes {

  /** Done. */
  public static final int OK = 0;
  /** The request or the jobs failed (e.g. a job of {@code enqueue --wait} failed). */
  public static final int FAILED = 1;
  /** Bad arguments or options, or a request the node found invalid. */
  public static final int USAGE = 2;
  /** No such job, tenant or function (or not one the token may see). */
  public static final int NOT_FOUND = 3;
  /** The token may not do this (or was not accepted). */
  public static final int PERMISSION_DENIED = 4;
  /** No node answered, or it could not serve now (Redis away, stopping, overloaded, timed out). */
  public static final int UNAVAILABLE = 5;

  private ExitCodes() {}

  /** The exit code for an exception a command threw. */
  public static int of(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && !(c instanceof ServerException)
        && (c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException)) {
      c = c.getCause();
    }
    if (c instanceof ServerException se) {
      return switch (se.code()) {
        case "NOT_FOUND" -> NOT_FOUND;
        case "PERMISSION_DENIED", "UNAUTHENTICATED" -> PERMISSION_DENIED;
        case "INVALID_REQUEST", "CONFLICT" -> USAGE;
        case ServerException.CONNECTION_LOST, "UNAVAILABLE", "SHUTTING_DOWN", "TIMEOUT", "RESOURCE_EXHAUSTED" ->
            UNAVAILABLE;
        default -> FAILED;
      };
    }
    // Anything else is bad input or configuration (a port out of range, an unknown host...).
    return USAGE;
  }
}
