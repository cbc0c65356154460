package dev.croupier.engine;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import java.util.List;
import java.util.Optional;

/**
 * One engine node: enqueues, claims fairly across tenants, leases, completes and retries jobs on
 * one Redis (or Redis Cluster). Any number of engines may share a Redis; none of them holds state
 * that another needs. Thread-safe. Start one with
 * {@link dev.croupier.engine.runtime.EngineRuntime#start(EngineOptions)}.
 *
 * <p>Producing ({@link JobProducer}) works exactly as through the remote
 * {@code dev.croupier.worker.CroupierClient}, with the same records.
 */
public interface Engine extends JobProducer, AutoCloseable {

  // ---- configuration ----

  /**
   * Stores a function's config (creating or replacing it). Other engines see the change within
   * {@link EngineOptions#configCacheTtl()}.
   */
  void configureFunction(FunctionSpec spec);

  /**
   * Stores the function's config if none is stored; throws
   * {@link dev.croupier.api.InvalidRequestException} if a different one is.
   */
  void registerFunction(FunctionSpec spec);

  /** The function's stored config, if any. */
  Optional<FunctionSpec> function(String name);

  /** Stores a tenant's plan. */
  void configureTenant(String tenant, TenantSettings settings);

  /** A tenant's plan ({@link TenantSettings#DEFAULT} when never configured). */
  TenantSettings tenant(String tenant);

  /** Stops claiming this tenant's jobs until resumed; queued jobs stay queued. */
  void pauseTenant(String tenant);

  /** Resumes a paused tenant. */
  void resumeTenant(String tenant);

  /** Stops claiming this function's jobs (all tenants) until resumed. */
  void pauseFunction(String function);

  /** Resumes a paused function. */
  void resumeFunction(String function);

  /** Whether the function is paused. */
  boolean isFunctionPaused(String function);

  // ---- dead letters ----

  /** The tenant's dead jobs, oldest death first, at most {@code limit}. */
  List<JobInfo> deadLetters(String tenant, int limit);

  /**
   * Puts a dead job back in its queue with fresh attempts (as many as it had at first); false when
   * it is not dead. Attempt numbers keep counting, since they are lease tokens: the job's
   * {@link JobInfo#maxAttempts()} grows instead.
   */
  boolean replay(String jobId);

  // ---- running jobs ----

  /** Registers a function (as {@link #registerFunction}) and runs its jobs in this process. */
  void register(FunctionSpec spec, int maxInFlight, JobHandler handler);

  /** Stops running a function in this process; jobs in flight finish first. */
  void unregister(String function);

  /** The options this engine runs with. */
  EngineOptions options();

  /** Stops claiming, waits up to the shutdown grace for embedded jobs, and disconnects. */
  @Override
  void close();
}
