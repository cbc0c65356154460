package dev.croupier.node.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's page, styles and scripts, read once from the jar. Only the files listed here
 * are served, so no request path ever reaches the class loader.
 */
final class StaticAssets {

  private static final String ROOT = "/dev/croupier/node/dashboard/";
  private static final Map<String, String> TYPES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8",
      "chart.js", "text/javascript; charset=utf-8",
      "api.js", "text/javascript; charset=utf-8",
      "favicon.svg", "image/svg+xml");

  /*
   * Scripts and styles come from this server only; no inline script runs, and the page cannot be
   * framed (clickjacking the pause buttons) or send its data anywhere else.
   */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
      + " base-uri 'none'";

  private final Map<String, byte[]> files = new HashMap<>();

  /** Reads every asset; throws when one is missing from the jar (a packaging bug). */
  StaticAssets() {
    for (String name : TYPES.keySet()) {
      try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new IllegalStateException("dashboard asset missing from the jar: " + ROOT + name);
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dashboard asset " + name, e);
      }
    }
  }

  /** The asset {@code name} ({@code ""} is the page), if there is one. */
  Optional<AdminResponse> get(String name) {
    String file = name.isEmpty() ? "index.html" : name;
    byte[] body = files.get(file);
    if (body == null) {
      return Optional.empty();
    }
    return Optional.of(new AdminResponse(200, TYPES.get(file), body, Map.of(
        "Cache-Control", "no-cache",
        "Content-Security-Policy", CSP,
        "X-Content-Type-Options", "nosniff",
        "X-Frame-Options", "DENY",
        "Referrer-Policy", "no-referrer")));
  }
}
