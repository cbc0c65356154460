package dev.croupier.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for a job's headers: a small string map given at enqueue and handed to the handler
 * (W3C {@code traceparent} and {@code tracestate} travel in it). Names are case-insensitive and
 * kept lower-case; every limit is checked at enqueue, on the client and again on the node, so a
 * job's record stays small. Headers are stored as data only: never part of a Redis key name,
 * never evaluated.
 */
public final class JobHeaders {

  /** Most headers on one job. */
  public static final int MAX_HEADERS = 32;
  /** Longest header name, in characters of {@code A-Z a-z 0-9 . _ -}. */
  public static final int MAX_NAME_LENGTH = 64;
  /** Longest header value, in bytes of UTF-8. */
  public static final int MAX_VALUE_BYTES = 1024;
  /** Most bytes of all names and values of one job together (UTF-8). */
  public static final int MAX_TOTAL_BYTES = 4096;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

  private JobHeaders() {}

  /**
   * The headers with lower-case names, sorted by name and unmodifiable; throws
   * {@link InvalidRequestException} naming the header and the rule when any limit is broken.
   */
  public static Map<String, String> normalize(Map<String, String> headers) {
    if (headers == null || headers.isEmpty()) {
      return Map.of();
    }
    SortedMap<String, String> out = new TreeMap<>();
    String v = collect(headers, out);
    if (v != null) {
      throw new InvalidRequestException(v);
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** Why {@code headers} break a limit (naming the header and the rule), or null when they do not. */
  public static String violation(Map<String, String> headers) {
    return headers == null || headers.isEmpty() ? null : collect(headers, new TreeMap<>());
  }

  private static String collect(Map<String, String> headers, SortedMap<String, String> out) {
    if (headers.size() > MAX_HEADERS) {
      return "headers hold " + headers.size() + " entries; at most " + MAX_HEADERS + " are accepted";
    }
    long total = 0;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (name == null || !NAME.matcher(name).matches()) {
        return "header name " + quote(name) + " is invalid: use 1-" + MAX_NAME_LENGTH
            + " characters from A-Z a-z 0-9 . _ -";
      }
      if (value == null) {
        return "header '" + name + "' has no value (null); give a string, maybe empty";
      }
      int bytes = utf8Length(value);
      if (bytes < 0) {
        return "header '" + name + "' value is not valid Unicode text (it holds an unpaired"
            + " surrogate), so it cannot be sent as UTF-8";
      }
      if (bytes > MAX_VALUE_BYTES) {
        return "header '" + name + "' value has " + bytes + " bytes (UTF-8); at most "
            + MAX_VALUE_BYTES + " are accepted";
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (out.put(lower, value) != null) {
        return "header '" + name + "' is given twice (names are case-insensitive: they are kept"
            + " lower-case, as '" + lower + "')";
      }
      total += lower.length() + bytes;
    }
    if (total > MAX_TOTAL_BYTES) {
      return "headers take " + total + " bytes (names plus values, UTF-8); at most "
          + MAX_TOTAL_BYTES + " are accepted";
    }
    return null;
  }

  /** The UTF-8 length of {@code s}, or -1 when it holds an unpaired surrogate. */
  private static int utf8Length(String s) {
    boolean ascii = true;
    for (int i = 0; i < s.length() && ascii; i++) {
      ascii = s.charAt(i) < 0x80;
    }
    if (ascii) {
      return s.length();
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
    try {
      ByteBuffer b = encoder.encode(CharBuffer.wrap(s));
      return b.remaining();
    } catch (CharacterCodingException e) {
      return -1;
    }
  }

  private static String quote(String name) {
    if (name == null) {
      return "null";
    }
    return "'" + (name.length() <= 80 ? name : name.substring(0, 77) + "...") + "'";
  }
}
