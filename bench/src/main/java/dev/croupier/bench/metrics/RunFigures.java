package dev.croupier.bench.metrics;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one run of a noisy-neighbour workload through one contender. In JSON:
 * {@code {"elapsed_ms", "big_enqueue_ms", "drained", "tenants": {"A": TENANT, ...}}}.
 *
 * @param elapsedMs from the workers' start to the end of the run
 * @param bigEnqueueMs how long the big tenant's whole enqueue took; null if it did not finish
 * @param drained whether every job was enqueued and done before the run ended
 * @param tenants per tenant, the big one first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunFigures(
    double elapsedMs, Double bigEnqueueMs, boolean drained, Map<String, TenantFigures> tenants) {

  /** Keeps the tenants in their order, unmodifiable. */
  public RunFigures {
    tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
  }

  /** The named tenant's figures; throws for a tenant not in the run. */
  public TenantFigures tenant(String name) {
    TenantFigures t = tenants.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no tenant " + name + " in this run; tenants: " + tenants.keySet());
    }
    return t;
  }
}
