package dev.croupier.node.internal.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.engine.Engine;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /api/tenants}: the tenant table a page at a time (the engine's paged stats, so a page
 * costs the same with 10 tenants or 10,000), one tenant, its plan, pause and resume.
 */
final class TenantsApi {

  /** Most rows one page holds: the browser never renders more. */
  static final int MAX_PAGE = 200;
  /** Most tenant names one search may list. */
  static final int MAX_NAMES = 100;
  /** Longest cursor accepted (the engine's are short). */
  static final int MAX_CURSOR = 512;

  private final Engine engine;

  TenantsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** One page of tenant rows. */
  Object page(AdminRequest req) {
    String sortName = req.param("sort", "backlog");
    TenantStatsQuery.Sort sort = switch (sortName) {
      case "backlog" -> TenantStatsQuery.Sort.BY_BACKLOG;
      case "deficit" -> TenantStatsQuery.Sort.BY_SHARE_DEFICIT;
      case "name" -> TenantStatsQuery.Sort.BY_NAME;
      default -> throw ApiException.badRequest(
          "sort must be backlog, deficit or name: '" + Params.clip(sortName) + "'");
    };
    int limit = Params.intParam(req, "limit", 50, 1, MAX_PAGE);
    String cursor = req.param("cursor", null);
    if (cursor != null && cursor.length() > MAX_CURSOR) {
      throw ApiException.badRequest("cursor is too long (" + cursor.length() + " characters):"
          + " pass the nextCursor of the previous page");
    }
    Set<String> only = names(req.param("tenant", ""));
    StatsPage<TenantStats> page = engine.tenantStats(
        new TenantStatsQuery(sort, limit, cursor, only));
    return new Page(page.total(), sortName, limit, cursor, page.nextCursor(),
        page.items().stream().map(Row::of).toList());
  }

  /** One tenant's row (zeros for a tenant with no work and no history). */
  Object get(String tenant) {
    Params.tenant(tenant);
    List<TenantStats> items = engine.tenantStats(TenantStatsQuery.first(
        TenantStatsQuery.Sort.BY_NAME, 1).only(Set.of(tenant))).items();
    if (!items.isEmpty()) {
      return Row.of(items.get(0));
    }
    TenantConfig c = engine.tenantConfig(tenant);
    return new Row(tenant, c.weight(), c.concurrencyLimit(), c.paused(), 0, 0, 0, 0, 0, 0, 0, 0,
        null, null);
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
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("send a JSON object: {\"weight\": 2.0, \"concurrencyLimit\": 10}");
    }
    TenantConfig c = engine.tenantConfig(tenant);
    double weight = c.weight();
    int limit = c.concurrencyLimit();
    if (body.has("weight")) {
      JsonNode w = body.get("weight");
      if (!w.isNumber()) {
        throw ApiException.badRequest("weight must be a number: " + w);
      }
      weight = w.asDouble();
    }
    if (body.has("concurrencyLimit")) {
      JsonNode n = body.get("concurrencyLimit");
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw ApiException.badRequest("concurrencyLimit must be a whole number: " + n);
      }
      limit = n.asInt();
    }
    TenantConfig next = new TenantConfig(tenant, weight, limit, c.paused());
    engine.configureTenant(next);
    return new Views.Done(true, "tenant " + tenant + ": weight " + next.weight()
        + ", concurrency limit " + (next.concurrencyLimit() == 0 ? "none" : next.concurrencyLimit()));
  }

  private static Set<String> names(String raw) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : raw.split(",")) {
      String name = s.strip();
      if (!name.isEmpty()) {
        out.add(Params.tenant(name));
      }
    }
    if (out.size() > MAX_NAMES) {
      throw ApiException.badRequest("at most " + MAX_NAMES + " tenant names per search: " + out.size());
    }
    return out;
  }

  /** A page of rows. */
  record Page(long total, String sort, int limit, String cursor, String nextCursor, List<Row> items) {}

  /** One tenant's row; shares in [0, 1], waits in milliseconds (null when nothing started). */
  record Row(String tenant, double weight, int concurrencyLimit, boolean paused, long queued,
      long due, long delayed, long running, long dead, double servedShare, double weightShare,
      double deficit, Double waitP50Ms, Double waitP99Ms) {
    static Row of(TenantStats s) {
      TenantConfig c = s.config();
      return new Row(c.tenant(), c.weight(), c.concurrencyLimit(), c.paused(), s.queued(), s.due(),
          s.delayed(), s.running(), s.dead(), finite(s.servedShare()), finite(s.weightShare()),
          finite(s.shareDeficit()), Views.ms(s.waitP50()), Views.ms(s.waitP99()));
    }

    /** JSON has no NaN or infinity: a share that is not a number (nothing served) shows as 0. */
    private static double finite(double v) {
      return Double.isFinite(v) ? v : 0;
    }
  }
}
