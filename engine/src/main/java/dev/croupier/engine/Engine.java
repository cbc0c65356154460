package dev.croupier.engine;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One engine node: enqueues, claims fairly across tenants, leases, completes and retries jobs on
 * one Redis (or Redis Cluster). Any number of engines may share a Redis; none of them holds state
 * that another needs. Thread-safe.
 */
public interface Engine extends AutoCloseable {

  /** Connects to Redis as {@code options} say and starts the claim loops and the scavenger. */
  static Engine start(EngineOptions options) {
    return dev.croupier.engine.internal.RealEngine.start(options);
  }

  // ---- producers ----

  /** Enqueues one job; throws {@link dev.croupier.api.InvalidRequestException} on bad input. */
  EnqueueResult enqueue(String tenant, String function, byte[] payload, EnqueueOptions options);

  /** Enqueues many jobs in one round trip; results are in request order. */
  List<EnqueueResult> enqueueBatch(List<EnqueueRequest> requests);

  /** Cancels a job that has not finished; returns false when it is unknown or already final. */
  boolean cancel(String jobId);

  /** Looks a job up by id (finished jobs stay visible for the status retention window). */
  Optional<JobInfo> lookup(String jobId);

  /**
   * Completes when the job reaches a final state (succeeded, dead or cancelled), with its info;
   * completes exceptionally with {@link java.util.concurrent.TimeoutException} after
   * {@code timeout}, or with {@link dev.croupier.api.InvalidRequestException} for an unknown job.
   */
  CompletableFuture<JobInfo> awaitCompletion(String jobId, Duration timeout);

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

  /** Adds a sink (e.g. an engine node's remote workers) that the claim loops feed. */
  void attach(JobSink sink);

  /** Removes a sink. */
  void detach(JobSink sink);

  /** Tells the claim loops that credits appeared, so they claim now instead of at the next poll. */
  void wakeClaimers();

  /** Records how a delivery ended; {@code attempt} is the lease token from {@link LeasedJob}. */
  CompletionResult complete(String jobId, int attempt, Outcome outcome);

  /** Extends a running job's lease by its function's lease timeout. */
  CompletionResult extendLease(String jobId, int attempt);

  /** The options this engine runs with. */
  EngineOptions options();

  /** Stops claiming, waits up to the shutdown grace for embedded jobs, and disconnects. */
  @Override
  void close();
}
