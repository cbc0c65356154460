package dev.croupier.app.demo;

import java.util.List;
import java.util.Objects;

/**
 * The result of one run of the workload through one queue.
 *
 * @param queue which queue ran it ("fifo" or "croupier")
 * @param elapsedMs how long the run took, up to the moment it was frozen
 * @param bigEnqueueMs how long the big tenant's whole enqueue took; null if it did not finish
 * @param drained whether every job was done before the budget ran out
 * @param tenants per tenant, the big one first
 */
public record RunReport(
    String queue, double elapsedMs, Double bigEnqueueMs, boolean drained, List<TenantReport> tenants) {

  /** Checks the fields. */
  public RunReport {
    Objects.requireNonNull(queue, "queue");
    tenants = List.copyOf(tenants);
  }

  /** The named tenant's result. */
  public TenantReport tenant(String name) {
    return tenants.stream().filter(t -> t.tenant().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no tenant " + name + " in this run"));
  }
}
