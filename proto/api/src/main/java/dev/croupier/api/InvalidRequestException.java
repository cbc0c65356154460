package dev.croupier.api;

/** The request itself was wrong: a bad name, an unknown function, a payload too large. */
public class InvalidRequestException extends CroupierException {

  /** Creates the exception; the message names the bad value. */
  public InvalidRequestException(String message) {
    super(message);
  }
}
