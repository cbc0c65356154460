package dev.croupier.worker;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by the option records. */
final class Options {

  private Options() {}

  static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
