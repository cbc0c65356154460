package dev.croupier.api.admin;

import dev.croupier.api.Names;

/**
 * A tenant's plan as an operator sees and sets it.
 *
 * @param tenant the tenant
 * @param weight relative share of capacity; 1 is the default plan
 * @param concurrencyLimit jobs in flight for this tenant across functions; 0 = unlimited
 * @param paused whether claiming skips this tenant
 */
public record TenantConfig(String tenant, double weight, int concurrencyLimit, boolean paused) {

  /** Validates the fields (the same bounds as the engine's tenant settings). */
  public TenantConfig {
    Names.requireTenant(tenant);
    if (!(weight > 0) || Double.isInfinite(weight) || weight > 1_000_000) {
      throw new IllegalArgumentException("weight must be in (0, 1000000]: " + weight);
    }
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrencyLimit must not be negative: " + concurrencyLimit);
    }
  }

  /** The plan of a tenant nobody configured. */
  public static TenantConfig defaults(String tenant) {
    return new TenantConfig(tenant, 1.0, 0, false);
  }
}
