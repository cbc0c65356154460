package dev.croupier.engine.metrics;

import dev.croupier.api.OptionChecks;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The value of the {@code tenant} tag, with the number of distinct values capped: the first
 * {@code limit} tenants seen keep their name, every later one is reported as {@link #OTHER}, so a
 * deployment with a million tenants cannot make a million series. With a limit of 0 the tag is
 * off altogether ({@link #enabled()} is false). Tenants once admitted stay admitted for the life
 * of the process: a series that comes and goes is worse for dashboards than a fixed set.
 * Thread-safe.
 */
public final class TenantTags {

  /** The tag value of the tenants beyond the limit. */
  public static final String OTHER = "_other";

  private final int limit;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger size = new AtomicInteger();

  /** Tags for at most {@code limit} tenants (0 = no tenant tag). */
  public TenantTags(int limit) {
    this.limit = OptionChecks.requireRange("limit", limit, 0, Integer.MAX_VALUE);
  }

  /** Whether meters carry a tenant tag. */
  public boolean enabled() {
    return limit > 0;
  }

  /** The tag value for {@code tenant}: its name while there is room, else {@link #OTHER}. */
  public String tag(String tenant) {
    if (admitted.contains(tenant)) {
      return tenant;
    }
    while (true) {
      int n = size.get();
      if (n >= limit) {
        return OTHER;
      }
      if (size.compareAndSet(n, n + 1)) {
        if (admitted.add(tenant)) {
          return tenant;
        }
        size.decrementAndGet(); // another thread admitted it meanwhile
        return tenant;
      }
    }
  }

  /** How many tenants have series of their own. */
  public int admitted() {
    return size.get();
  }
}
