package dev.croupier.api;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks every options record and value type runs in its compact constructor, with messages
 * that name the option and show the bad value.
 */
public final class OptionChecks {

  private OptionChecks() {}

  /** Throws unless {@code min <= value <= max}. */
  public static int requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
    }
    return value;
  }

  /** Throws unless {@code d} is set and longer than zero. */
  public static Duration requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /** {@code d}, or zero when null; throws when negative. */
  public static Duration requireNonNegative(String name, Duration d) {
    if (d == null) {
      return Duration.ZERO;
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }
}
