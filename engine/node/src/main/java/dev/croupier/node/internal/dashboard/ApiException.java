package dev.croupier.node.internal.dashboard;

/** A request the API refuses, with the HTTP status and a message saying what was wrong. */
final class ApiException extends RuntimeException {

  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400: the request itself is wrong. */
  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /** 404: what it names does not exist. */
  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  int status() {
    return status;
  }
}
