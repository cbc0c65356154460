package dev.croupier.api.admin;

import dev.croupier.api.Names;
import java.util.Set;

/**
 * Which tenants' stats to list, in what order.
 *
 * @param sort the order
 * @param limit most items on a page, 1 to {@link #MAX_LIMIT}
 * @param cursor the previous page's {@link StatsPage#nextCursor()}, or null for the first page
 * @param tenants only these tenants (empty: every tenant that has work, was served in the last
 *     minute, has dead letters, or has a plan)
 */
public record TenantStatsQuery(Sort sort, int limit, String cursor, Set<String> tenants) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** The orders a listing can have. */
  public enum Sort {
    /** Most queued jobs first (ties by name). */
    BY_BACKLOG,
    /** Largest share deficit first: weight share minus served share (ties by name). */
    BY_SHARE_DEFICIT,
    /** By name. */
    BY_NAME
  }

  /** Validates the fields. */
  public TenantStatsQuery {
    if (sort == null) {
      sort = Sort.BY_BACKLOG;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "]: " + limit);
    }
    if (cursor != null && cursor.isEmpty()) {
      cursor = null;
    }
    tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
    tenants.forEach(Names::requireTenant);
  }

  /** The first page of {@code limit} tenants in {@code sort} order. */
  public static TenantStatsQuery first(Sort sort, int limit) {
    return new TenantStatsQuery(sort, limit, null, Set.of());
  }

  /** This query for the page after {@code page}. */
  public TenantStatsQuery next(StatsPage<?> page) {
    return new TenantStatsQuery(sort, limit, page.nextCursor(), tenants);
  }

  /** This query restricted to {@code only}. */
  public TenantStatsQuery only(Set<String> only) {
    return new TenantStatsQuery(sort, limit, cursor, only);
  }
}
