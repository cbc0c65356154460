package dev.croupier.node.internal.dashboard;

import dev.croupier.node.config.Principal;
import dev.croupier.node.config.Tokens;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use the dashboard. Without a tokens file only loopback clients, and only through a
 * loopback host name (so a web page on another site cannot reach it by rebinding its DNS name to
 * 127.0.0.1). With a tokens file every API request carries the ADMIN token as
 * {@code Authorization: Bearer TOKEN}. Every change is a POST with the {@value #CSRF_HEADER}
 * header, which a cross-site form cannot send and a cross-site script cannot send without a CORS
 * preflight that this server never approves; an {@code Origin} other than the server's own is
 * refused too.
 */
final class AdminAccess {

  /** The header every POST must carry, with the value {@value #CSRF_VALUE}. */
  static final String CSRF_HEADER = "X-Croupier-CSRF";
  static final String CSRF_VALUE = "1";

  private final Tokens tokens;

  /** Access by {@code tokens}, or loopback-only when null. */
  AdminAccess(Tokens tokens) {
    this.tokens = tokens;
  }

  /** Whether requests need a token. */
  boolean tokensRequired() {
    return tokens != null;
  }

  /**
   * Checks a request for static assets (which carry no data: the page asks for the token
   * itself); empty when it may pass, else the refusal.
   */
  Optional<AdminResponse> checkAsset(AdminRequest req) {
    if (!req.method().equals("GET")) {
      return Optional.of(AdminResponse.text(405, "only GET\n").withHeader("Allow", "GET"));
    }
    return tokens == null ? checkLoopback(req) : Optional.empty();
  }

  /** Checks an API request; empty when it may pass, else the refusal. */
  Optional<AdminResponse> checkApi(AdminRequest req) {
    if (!req.method().equals("GET") && !req.isPost()) {
      return Optional.of(AdminResponse.text(405, "use GET to read and POST to change\n")
          .withHeader("Allow", "GET, POST"));
    }
    Optional<AdminResponse> refusal = tokens == null ? checkLoopback(req) : checkToken(req);
    if (refusal.isPresent() || !req.isPost()) {
      return refusal;
    }
    return checkCsrf(req);
  }

  private Optional<AdminResponse> checkLoopback(AdminRequest req) {
    if (!req.remote().isLoopbackAddress()) {
      return Optional.of(AdminResponse.text(403, "this node has no tokens file: the dashboard"
          + " answers loopback clients only (start the node with --tokens to open it wider)\n"));
    }
    String host = hostName(req.header().apply("Host"));
    if (host == null || !isLoopbackName(host)) {
      return Optional.of(AdminResponse.text(403, "this node has no tokens file: open the"
          + " dashboard as http://127.0.0.1:PORT/ or http://localhost:PORT/\n"));
    }
    return Optional.empty();
  }

  private Optional<AdminResponse> checkToken(AdminRequest req) {
    String auth = req.header().apply("Authorization");
    String prefix = "Bearer ";
    if (auth == null || !auth.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.of(unauthorized("send the ADMIN token as 'Authorization: Bearer TOKEN'"));
    }
    Optional<Principal> who = tokens.principal(auth.substring(prefix.length()).strip());
    if (who.isEmpty()) {
      return Optional.of(unauthorized("unknown token"));
    }
    if (who.get().role() != Principal.Role.ADMIN) {
      return Optional.of(AdminResponse.text(403, "the dashboard needs an ADMIN token; this one is "
          + who.get().role().name().toLowerCase(Locale.ROOT) + "\n"));
    }
    return Optional.empty();
  }

  private static Optional<AdminResponse> checkCsrf(AdminRequest req) {
    if (!CSRF_VALUE.equals(req.header().apply(CSRF_HEADER))) {
      return Optional.of(AdminResponse.text(403, "changes need the header " + CSRF_HEADER + ": "
          + CSRF_VALUE + " (the dashboard sends it; a cross-site form cannot)\n"));
    }
    String origin = req.header().apply("Origin");
    String host = req.header().apply("Host");
    if (origin != null && !origin.equals("null") && !sameHost(origin, host)) {
      return Optional.of(AdminResponse.text(403, "cross-origin change refused: Origin " + origin
          + " is not this server (" + host + ")\n"));
    }
    return Optional.empty();
  }

  private static boolean sameHost(String origin, String host) {
    try {
      URI o = URI.create(origin);
      String authority = o.getRawAuthority();
      return host != null && authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static AdminResponse unauthorized(String why) {
    return AdminResponse.text(401, why + "\n").withHeader("WWW-Authenticate", "Bearer realm=\"croupier\"");
  }

  /** The host part of a Host header ({@code name}, {@code name:port}, {@code [v6]:port}). */
  static String hostName(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return null;
    }
    String h = hostHeader.strip();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? null : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean isLoopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
