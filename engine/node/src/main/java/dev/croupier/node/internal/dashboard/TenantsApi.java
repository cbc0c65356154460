package dev.croupier.node.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.engine.Engine;
import dev.croupier.engine.TenantSettings;
import java.util.Objects;

/** {@code /api/tenants}: the paged tenant table, one tenant, its plan, pause and resume. */
final class TenantsApi {

  private final Engine engine;

  TenantsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** One tenant's plan. */
  Object get(String tenant) {
    return new TenantView(tenant, Views.Settings.of(engine.tenant(Params.tenant(tenant))));
  }

  /** Pauses or resumes the tenant. */
  Views.Done setPaused(String tenant, boolean paused) {
    Params.tenant(tenant);
    if (paused) {
      engine.pauseTenant(tenant);
    } else {
      engine.resumeTenant(tenant);
    }
    return new Views.Done(true, (paused ? "paused " : "resumed ") + tenant);
  }

  /** Changes the tenant's weight and/or concurrency limit (fields left out stay). */
  Views.Done configure(String tenant, JsonNode body) {
    Params.tenant(tenant);
    TenantSettings s = engine.tenant(tenant);
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("send a JSON object: {\"weight\": 2.0, \"concurrencyLimit\": 10}");
    }
    if (body.has("weight")) {
      JsonNode w = body.get("weight");
      if (!w.isNumber()) {
        throw ApiException.badRequest("weight must be a number: " + w);
      }
      s = s.withWeight(w.asDouble());
    }
    if (body.has("concurrencyLimit")) {
      JsonNode n = body.get("concurrencyLimit");
      if (!n.canConvertToInt() || !n.isIntegralNumber()) {
        throw ApiException.badRequest("concurrencyLimit must be a whole number: " + n);
      }
      s = s.withConcurrencyLimit(n.asInt());
    }
    engine.configureTenant(tenant, s);
    return new Views.Done(true, "tenant " + tenant + ": weight " + s.weight()
        + ", concurrency limit " + (s.concurrencyLimit() == 0 ? "none" : s.concurrencyLimit()));
  }

  record TenantView(String tenant, Views.Settings settings) {}
}
