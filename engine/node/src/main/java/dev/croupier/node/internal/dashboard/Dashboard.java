package dev.croupier.node.internal.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.croupier.engine.Engine;
import dev.croupier.node.config.Tokens;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dashboard: {@code /dashboard/} serves the page and its scripts, {@code /api/...} the JSON
 * they read and the changes they make, each behind {@link AdminAccess}. Blocking (the API calls
 * Redis): run it off a network thread.
 */
public final class Dashboard {

  private static final String ASSETS = "/dashboard/";
  private static final String API = "/api/";

  private final AdminAccess access;
  private final StaticAssets assets = new StaticAssets();
  private final ApiRouter api;

  /** A dashboard over {@code engine}; {@code tokens} null means loopback clients only. */
  public Dashboard(Engine engine, Tokens tokens) {
    Objects.requireNonNull(engine, "engine");
    this.access = new AdminAccess(tokens);
    this.api = new ApiRouter(engine, new ObjectMapper(), tokens != null);
  }

  /** Whether {@code path} is one of the dashboard's (else the admin server answers it). */
  public static boolean owns(String path) {
    return path.equals("/") || path.equals("/dashboard") || path.startsWith(ASSETS)
        || path.equals("/api") || path.startsWith(API);
  }

  /** Answers a request for one of its paths. */
  public AdminResponse handle(AdminRequest req) {
    String path = req.path();
    if (path.equals("/") || path.equals("/dashboard")) {
      return access.checkAsset(req).orElseGet(() -> redirect(ASSETS));
    }
    if (path.startsWith(ASSETS)) {
      Optional<AdminResponse> refusal = access.checkAsset(req);
      if (refusal.isPresent()) {
        return refusal.get();
      }
      return assets.get(path.substring(ASSETS.length()))
          .orElseGet(() -> AdminResponse.text(404, "no such dashboard file: " + path + "\n"));
    }
    Optional<AdminResponse> refusal = access.checkApi(req);
    if (refusal.isPresent()) {
      return refusal.get().withHeader("Cache-Control", "no-store");
    }
    String rest = path.length() > API.length() ? path.substring(API.length()) : "";
    return api.handle(req, rest)
        .withHeader("Cache-Control", "no-store")
        .withHeader("X-Content-Type-Options", "nosniff");
  }

  private static AdminResponse redirect(String to) {
    return new AdminResponse(302, "text/plain; charset=utf-8", new byte[0], Map.of("Location", to));
  }
}
