package dev.croupier.node.internal.dashboard;

import dev.croupier.api.Names;

/** Reads and checks the API's parameters, refusing bad ones with a message naming the value. */
final class Params {

  private Params() {}

  /** An integer query parameter in {@code [min, max]}, or {@code fallback} when absent. */
  static int intParam(AdminRequest req, String name, int fallback, int min, int max) {
    String raw = req.param(name, null);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    int v;
    try {
      v = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number: '" + clip(raw) + "'");
    }
    if (v < min || v > max) {
      throw ApiException.badRequest(name + " must be between " + min + " and " + max + ": " + v);
    }
    return v;
  }

  /** A tenant name from the path or a parameter, checked before it goes near Redis. */
  static String tenant(String raw) {
    if (!Names.isValid(raw)) {
      throw ApiException.badRequest("tenant '" + clip(raw) + "' is not a valid name (1-"
          + Names.MAX_LENGTH + " of A-Z a-z 0-9 . _ - starting with a letter or digit)");
    }
    return raw;
  }

  /** A function name, checked likewise. */
  static String function(String raw) {
    if (!Names.isValid(raw)) {
      throw ApiException.badRequest("function '" + clip(raw) + "' is not a valid name (1-"
          + Names.MAX_LENGTH + " of A-Z a-z 0-9 . _ - starting with a letter or digit)");
    }
    return raw;
  }

  static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
