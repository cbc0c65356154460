package dev.croupier.api;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Pattern FORM = Pattern.compile("croupier-call:([0-9a-f]{32}):(0|[1-9][0-9]{0,5})");

  private RetryKeys() {}

  /** A new call's token: 32 lower-case hex digits from a random UUID. */
  public static String newToken() {
    UUID u = UUID.randomUUID();
    return hex16(u.getMostSignificantBits()) + hex16(u.getLeastSignificantBits());
  }

  /** The key of job {@code index} of the call with {@code token}. */
  public static String of(String token, int index) {
    String key = PREFIX + token + ":" + index;
    if (index < 0 || index > MAX_INDEX || !FORM.matcher(key).matches()) {
      throw new IllegalArgumentException("not a retry key: token '" + token + "', index " + index);
    }
    return key;
  }

  /**
   * The token and index of {@code key}, or null when it is not a retry key (then it is an
   * ordinary idempotency key, whatever it looks like).
   */
  public static Parsed parse(String key) {
    if (key == null || !key.startsWith(PREFIX)) {
      return null;
    }
    Matcher m = FORM.matcher(key);
    return m.matches() ? new Parsed(m.group(1), m.group(2)) : null;
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
