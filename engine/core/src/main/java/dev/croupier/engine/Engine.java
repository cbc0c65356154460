package dev.croupier.engine;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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

  /**
   * As {@link #enqueueBatch}, without blocking the caller: the future completes with the results
   * once Redis stored the jobs, or exceptionally ({@link dev.croupier.api.InvalidRequestException}
   * for a request that is not valid, and then nothing of the batch is written). An engine may
   * complete it on its own writer thread, so what depends on it should be quick (a node answers
   * its producers this way, without a thread per request).
   */
  CompletableFuture<List<EnqueueResult>> enqueueBatchAsync(List<JobRequest> requests);

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

  // ---- operations (the admin protocol and the CLI answer with these) ----

  /**
   * Why a job is where it is: its state and the constraint that holds it now, with its numbers.
   * Empty when the job is unknown or its status record expired.
   */
  Optional<Explanation> explain(String jobId);

  /**
   * One page of per-tenant stats, sorted as asked. Cheap with many tenants: the engine reads
   * counters kept per tenant-function, never the jobs; the page's tenants get the finer numbers.
   */
  StatsPage<TenantStats> tenantStats(TenantStatsQuery query);

  /**
   * Every configured function and every function with work, by name. {@link FunctionStats#workers}
   * and {@link FunctionStats#freeCredits} are -1 here (an engine node fills them in).
   */
  List<FunctionStats> functionStats();

  /** A tenant's plan ({@link TenantConfig#defaults} when never configured). */
  TenantConfig tenantConfig(String tenant);

  /** Stores a tenant's plan (as {@link #configureTenant(String, TenantSettings)}). */
  void configureTenant(TenantConfig config);

  /**
   * One page of the tenant's dead jobs, oldest death first. {@code cursor} is the previous page's
   * next cursor (null for the first); jobs replayed or purged meanwhile shift later pages.
   */
  StatsPage<JobInfo> deadLetters(String tenant, String cursor, int limit);

  /** Replays up to {@code max} of the tenant's dead jobs, oldest first; returns how many. */
  long replayDeadLetters(String tenant, int max);

  /** Deletes a dead job for good; false when it is not dead (or unknown). */
  boolean purgeDeadLetter(String jobId);

  /** Deletes every dead job of the tenant; returns how many. */
  long purgeDeadLetters(String tenant);

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
