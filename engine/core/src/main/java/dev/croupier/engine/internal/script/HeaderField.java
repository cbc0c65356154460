package dev.croupier.engine.internal.script;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one field ({@code h}) of a job hash that holds the job's headers: written only when there
 * are headers, so a job without them costs nothing more. The map is stored form-encoded,
 * {@code name=value&name=value} with values percent-encoded in UTF-8 (names are plain already:
 * {@code a-z 0-9 . _ -}): unambiguous for any value, and readable in {@code redis-cli}. The
 * scripts only store and return it; nothing in it is ever parsed or run by Lua.
 */
public final class HeaderField {

  /** The job hash field. */
  public static final String NAME = "h";

  private HeaderField() {}

  /** The stored form of {@code headers} (validated, lower-case names), or "" when there are none. */
  public static String encode(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(headers).entrySet()) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  /** The headers {@code stored} holds; empty for null or "" (a job without headers). */
  public static Map<String, String> decode(String stored) {
    if (stored == null || stored.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    for (String pair : stored.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalStateException("a job's headers field holds a malformed entry: " + pair);
      }
      out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return Collections.unmodifiableMap(out);
  }
}
