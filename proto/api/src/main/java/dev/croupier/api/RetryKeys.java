package dev.croupier.api;

import java.util.UUID;

/**
 * The idempotency keys a producer client gives the jobs of one call so that retrying the call is
 * safe: {@code croupier-call:<token>:<index>}, one random 128-bit token (32 lower-case hex digits)
 * per call and the job's index in it. They deduplicate exactly like any key; the engine only
 * stores them more cheaply: the keys of one token are fields of one Redis hash (one small hash
 * per call), where any other key is a Redis string of its own (see docs/design.md, "idem:").
 */
public final class RetryKeys {

  /** How every retry key begins. */
  public static final String PREFIX = "croupier-call:";
  /** Highest index a key may carry (a batch holds at most a few thousand jobs). */
  public static final int MAX_INDEX = 999_999;

  private static final int TOKEN_LENGTH = 32;

  private RetryKeys() {}

  /** A new call's token: 32 lower-case hex digits from a random UUID. */
  public static String newToken() {
    UUID u = UUID.randomUUID();
    return hex16(u.getMostSignificantBits()) + hex16(u.getLeastSignificantBits());
  }

  /** The key of job {@code index} of the call with {@code token}. */
  public static String of(String token, int index) {
    String key = PREFIX + token + ":" + index;
    if (index < 0 || index > MAX_INDEX || parse(key) == null) {
      throw new IllegalArgumentException("not a retry key: token '" + token + "', index " + index);
    }
    return key;
  }

  /**
   * The token and index of {@code key}, or null when it is not a retry key (then it is an
   * ordinary idempotency key, whatever it looks like).
   */
  public static Parsed parse(String key) {
    // A loop, not a regex: the node checks every job a client enqueues.
    int colon = PREFIX.length() + TOKEN_LENGTH;
    int digits = key == null ? 0 : key.length() - colon - 1;
    if (digits < 1 || digits > 6 || !key.startsWith(PREFIX) || key.charAt(colon) != ':'
        || (digits > 1 && key.charAt(colon + 1) == '0')) {
      return null;
    }
    for (int i = PREFIX.length(); i < colon; i++) {
      char c = key.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
    }
    for (int i = colon + 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return new Parsed(key.substring(PREFIX.length(), colon), key.substring(colon + 1));
  }

  private static String hex16(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /**
   * A retry key's parts.
   *
   * @param token the call's 32 hex digits
   * @param index the job's index in the call, in decimal without leading zeros
   */
  public record Parsed(String token, String index) {}
}
