package dev.croupier.api.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * One tenant's state now and over the last minute.
 *
 * @param config the tenant's plan (weight, concurrency limit, paused)
 * @param queued jobs waiting in its queues, due or not (retries pending included)
 * @param due of those, the ones whose time has come
 * @param delayed of those, the ones not due yet (delayed, or backing off before a retry)
 * @param running jobs leased to a worker now
 * @param dead jobs in its dead-letter queue
 * @param servedShare its part of the cost (ms of run time) served to all tenants over the last
 *     minute, in [0, 1]
 * @param weightShare its weight over the weights of the tenants that had work or were served
 *     over the last minute, in [0, 1]: the share fair queuing aims at while it has work
 * @param waitP50 median wait from enqueue to first start over the last minute, null when none
 *     started
 * @param waitP99 99th percentile of that wait, null when none started
 */
public record TenantStats(
    TenantConfig config,
    long queued,
    long due,
    long delayed,
    long running,
    long dead,
    double servedShare,
    double weightShare,
    Duration waitP50,
    Duration waitP99) {

  /** Checks the required fields. */
  public TenantStats {
    Objects.requireNonNull(config, "config");
  }

  /** The tenant's name. */
  public String tenant() {
    return config.tenant();
  }

  /** How far its served share falls short of its weight share (negative when served more). */
  public double shareDeficit() {
    return weightShare - servedShare;
  }
}
