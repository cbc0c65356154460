package dev.croupier.api;

/**
 * The rules for names that end up inside Redis key names: tenants, functions and concurrency-key
 * names. Checked at every edge so nothing a user sends is spliced unchecked into a key.
 */
public final class Names {

  /** Longest tenant, function or key name accepted. */
  public static final int MAX_LENGTH = 64;

  private Names() {}

  /** Returns {@code tenant} if it is a valid tenant name, else throws saying why. */
  public static String requireTenant(String tenant) {
    return require("tenant", tenant);
  }

  /** Returns {@code function} if it is a valid function name, else throws saying why. */
  public static String requireFunction(String function) {
    return require("function", function);
  }

  /** Returns {@code key} if it is a valid concurrency-key name, else throws saying why. */
  public static String requireKeyName(String key) {
    return require("concurrency key name", key);
  }

  /** Whether {@code s} is a valid name. */
  public static boolean isValid(String s) {
    return isPlain(s) && alnum(s.charAt(0));
  }

  /**
   * Whether {@code s} is 1-{@link #MAX_LENGTH} characters of A-Z a-z 0-9 . _ - (a name, but for
   * the rule on its first character): text that may stand in a key name as it is.
   */
  public static boolean isPlain(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
      return false;
    }
    // A loop, not a regex: every enqueue checks its names several times (client, node, engine).
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!alnum(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String require(String what, String value) {
    if (value == null) {
      throw new InvalidRequestException(what + " must not be null");
    }
    if (!isValid(value)) {
      throw new InvalidRequestException(what + " '" + abbreviate(value) + "' is invalid: use 1-"
          + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ - starting with a letter or digit");
    }
    return value;
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
