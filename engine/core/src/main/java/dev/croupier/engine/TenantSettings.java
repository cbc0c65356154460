package dev.croupier.engine;

/**
 * A tenant's plan: its weight in the fair share, its tenant-wide concurrency limit, and whether it
 * is paused.
 *
 * @param weight relative share of capacity (plan weight); 1 is the default plan
 * @param concurrencyLimit jobs in flight for this tenant across functions; 0 = unlimited
 * @param paused whether claiming skips this tenant
 */
public record TenantSettings(double weight, int concurrencyLimit, boolean paused) {

  /** The settings of a tenant nobody configured. */
  public static final TenantSettings DEFAULT = new TenantSettings(1.0, 0, false);

  /** Validates the fields. */
  public TenantSettings {
    if (!(weight > 0) || Double.isInfinite(weight) || weight > 1_000_000) {
      throw new IllegalArgumentException("weight must be in (0, 1000000]: " + weight);
    }
    if (concurrencyLimit < 0) {
      throw new IllegalArgumentException("concurrencyLimit must not be negative: " + concurrencyLimit);
    }
  }

  /** These settings with another weight. */
  public TenantSettings withWeight(double w) {
    return new TenantSettings(w, concurrencyLimit, paused);
  }

  /** These settings with another limit. */
  public TenantSettings withConcurrencyLimit(int n) {
    return new TenantSettings(weight, n, paused);
  }

  /** These settings, paused or not. */
  public TenantSettings withPaused(boolean p) {
    return new TenantSettings(weight, concurrencyLimit, p);
  }
}
