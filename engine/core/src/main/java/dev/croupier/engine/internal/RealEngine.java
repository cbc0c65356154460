package dev.croupier.engine.internal;

import dev.croupier.api.CroupierException;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.Names;
import dev.croupier.api.execution.JobExecutor;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.JobRequest;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.engine.spi.Leases;
import dev.croupier.engine.TenantSettings;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.engine.internal.admin.Explainer;
import dev.croupier.engine.internal.admin.FunctionStatsReader;
import dev.croupier.engine.internal.admin.TenantStatsReader;
import dev.croupier.engine.internal.admin.WaitRecorder;
import dev.croupier.engine.internal.claim.ClaimLoop;
import dev.croupier.engine.internal.claim.ClaimOnEnqueue;
import dev.croupier.engine.internal.claim.ClaimStats;
import dev.croupier.engine.internal.claim.Demand;
import dev.croupier.engine.internal.claim.ShardTurns;
import dev.croupier.engine.internal.claim.Signal;
import dev.croupier.engine.internal.claim.WorkAnnouncements;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.embedded.EmbeddedRunner;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.jobs.CompletionWatcher;
import dev.croupier.engine.internal.jobs.JobAdmin;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.lease.Completer;
import dev.croupier.engine.internal.lease.Scavenger;
import dev.croupier.engine.internal.metrics.EngineMetrics;
import dev.croupier.engine.internal.metrics.QueueGauges;
import dev.croupier.engine.metrics.JobTimers;
import dev.croupier.engine.metrics.TenantTags;
import dev.croupier.engine.redis.RedisClients;
import dev.croupier.engine.internal.redis.RedisErrors;
import dev.croupier.engine.internal.redis.ShardChannels;
import dev.croupier.engine.internal.redis.RedisVersion;
import dev.croupier.engine.internal.script.Coalescer;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/** The {@link Engine}: wires the key schema, scripts, config, claim loops, scavenger and runners. */
public final class RealEngine implements Engine {

  private static final Logger log = LoggerFactory.getLogger(RealEngine.class);

  private final EngineOptions options;
  private final String id = UUID.randomUUID().toString();
  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final ScriptRegistry scripts;
  private final ConfigStore config;
  private final Enqueuer enqueuer;
  private final Completer completer;
  private final JobAdmin admin;
  private final WaitRecorder waits;
  private final TenantStatsReader tenantStats;
  private final FunctionStatsReader functionStats;
  private final Explainer explainer;
  private final Demand demand = new Demand();
  private final Signal signal = new Signal();
  /** Which shards a claim is being made on now (by a claim loop, or riding an enqueue). */
  private final ShardTurns turns;
  private final ClaimStats claimStats;
  private final TenantTags tenantTags;
  private final ScheduledExecutorService scheduler;
  /** Enqueues of {@link #enqueueBatchAsync} that must read a config first (a cache miss). */
  private final ExecutorService blockingEnqueues = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("croupier-enqueue-", 0).factory());
  private final CompletionWatcher watcher;
  /** The subscription to the shards' done and work channels; started with the claim loops. */
  private ShardChannels channels;
  // Not final: the meters read it lazily, and it is built after them on the leases port.
  private EmbeddedRunner embedded;
  private final EngineMetrics metrics;
  private final EngineLeases leases;
  /** Functions the embedded runner serves, registered again periodically to keep them alive. */
  private final Map<String, FunctionSpec> embeddedSpecs = new ConcurrentHashMap<>();
  private final List<ClaimLoop> loops = new ArrayList<>();
  private final List<Thread> loopThreads = new ArrayList<>();
  private volatile boolean closed;
  private Scavenger scavenger;

  private RealEngine(EngineOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.redis = RedisClients.pooled(options.redisUrl(), options.claimThreads() * 2 + 64);
    try {
      this.tenantTags = new TenantTags(options.tenantSeriesLimit());
      JobTimers timers = new JobTimers(options.meterRegistry(), tenantTags);
      this.keys = new KeySchema(options.namespace(), options.shards());
      this.turns = new ShardTurns(keys.shards());
      RedisVersion.require(redis);
      checkShards();
      this.scripts = new ScriptRegistry(redis, options.redisFunctions());
      scripts.preload(keys.meta());
      new StorageLayout(redis, keys, options.namespace()).check(scripts);
      this.config = new ConfigStore(redis, keys, options.configCacheTtl(),
          options.registeredFunctionLifetime());
      config.mirrorPausedFunctions();
      this.completer = new Completer(scripts, keys, options);
      this.admin = new JobAdmin(redis, scripts, keys, options);
      this.waits = new WaitRecorder(redis, keys);
      // Each leased job feeds both wait figures: the Micrometer timer (from when it became due)
      // and the admin stats' recorder (first attempts, from their enqueue).
      this.claimStats = new ClaimStats((job, waitingSince, now) -> {
        timers.waited(job.tenant(), job.function(), Math.max(0, now - waitingSince));
        waits.started(job, now);
      });
      this.tenantStats = new TenantStatsReader(redis, keys, options);
      this.functionStats = new FunctionStatsReader(redis, keys, config);
      this.explainer = new Explainer(redis, keys, config, options, demand::serves);
      // It also times the embedded jobs' heartbeats: a timer that drops cancelled ones at once.
      this.scheduler = JobExecutor.newTimer(2,
          Thread.ofPlatform().daemon().name("croupier-sched-", 0).factory());
      this.watcher = new CompletionWatcher(scripts, keys, admin, scheduler);
      this.enqueuer = new Enqueuer(scripts, keys, config, options,
          Enqueuer.WatchedJobs.of(watcher::expect, watcher::unexpect), id, demand::hasRoom,
          new ClaimOnEnqueue(demand, new ClaimLoop.ScriptsAndKeys(scripts, keys, options), config, signal,
              claimStats, turns));
      this.metrics = new EngineMetrics(options.meterRegistry(), claimStats,
          () -> this.embedded.running(), () -> this.embedded.handlerErrors());
      this.leases = new EngineLeases(redis, completer, demand, signal, metrics);
      this.embedded = new EmbeddedRunner(leases, options.clock(), scheduler, options.tracing(),
          timers);
      demand.attach(embedded);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /** Connects and starts the claim loops and the scavenger. */
  public static RealEngine start(EngineOptions options) {
    RealEngine engine = new RealEngine(options);
    engine.startBackground();
    return engine;
  }

  private void checkShards() {
    try {
      redis.hsetnx(keys.meta(), "shards", Integer.toString(options.shards()));
      String stored = redis.hget(keys.meta(), "shards");
      if (!Integer.toString(options.shards()).equals(stored)) {
        throw new CroupierException("namespace '" + options.namespace() + "' on this Redis was set up with "
            + stored + " shard(s), but this engine is configured with " + options.shards()
            + "; every engine on a namespace must use the same shard count");
      }
    } catch (RuntimeException e) {
      throw RedisErrors.translate("checking the shard count", e);
    }
  }

  private void startBackground() {
    Map<String, ShardChannels.Handler> heard = new HashMap<>(watcher.channels());
    heard.putAll(new WorkAnnouncements(id, demand, signal).channels(keys));
    channels = new ShardChannels(redis, heard);
    ClaimLoop.ScriptsAndKeys sk = new ClaimLoop.ScriptsAndKeys(scripts, keys, options);
    for (int i = 0; i < options.claimThreads(); i++) {
      ClaimLoop loop = new ClaimLoop(demand, sk, config, signal, claimStats, turns);
      loops.add(loop);
      loopThreads.add(Thread.ofPlatform().daemon().name("croupier-claim-" + i).start(loop));
    }
    scavenger = new Scavenger(scripts, keys, options, id, n -> {
      metrics.requeued(n);
      signal.signal();
    });
    long every = options.scavengeInterval().toMillis();
    scheduler.scheduleWithFixedDelay(scavenger, every, every, TimeUnit.MILLISECONDS);
    long census = QueueGauges.INTERVAL.toMillis();
    scheduler.scheduleWithFixedDelay(new QueueGauges(options.meterRegistry(), redis, keys,
        config::functionNames, tenantTags), census, census, TimeUnit.MILLISECONDS);
    long refresh = options.registrationRefreshInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::refreshEmbedded, refresh, refresh, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::flushWaits, 1000, 1000, TimeUnit.MILLISECONDS);
    log.info("engine {} started: namespace {}, {} shard(s), {} claim thread(s), fairness {}", id,
        options.namespace(), options.shards(), options.claimThreads(), options.fairness());
  }

  // ---- producers ----

  @Override
  public EnqueueResult enqueue(JobRequest request) {
    return enqueueBatch(List.of(request)).get(0);
  }

  @Override
  public List<EnqueueResult> enqueueBatch(List<JobRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    // The same path as the async one, validated (or, on a config cache miss, run whole) on this
    // thread: what follows a stored enqueue, the claim loops' signal first, runs on the writer
    // thread as soon as Redis answers, not after this thread has woken up to the answer.
    return Coalescer.join(enqueueBatchAsync(requests, Runnable::run));
  }

  @Override
  public CompletableFuture<List<EnqueueResult>> enqueueBatchAsync(List<JobRequest> requests) {
    if (requests.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return enqueueBatchAsync(requests, blockingEnqueues);
  }

  /** Enqueues through the writer; an enqueue that must read a config first runs on {@code blocking}. */
  private CompletableFuture<List<EnqueueResult>> enqueueBatchAsync(List<JobRequest> requests,
      Executor blocking) {
    JobTracing.Enqueue trace = options.tracing().enqueue(requests);
    CompletableFuture<List<EnqueueResult>> sent;
    try (JobTracing.Scope scope = trace.makeCurrent()) {
      sent = enqueuer.enqueueAsync(trace.requests(), blocking);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((out, err) -> {
      if (err != null) {
        trace.end(null, err instanceof java.util.concurrent.CompletionException c && c.getCause() != null
            ? c.getCause() : err);
        return;
      }
      enqueued(trace, out);
    });
  }

  /** Stored (the enqueuer has had them claimed, or woken the claim loops): the trace ends, the meters count them. */
  private void enqueued(JobTracing.Enqueue trace, List<EnqueueResult> out) {
    trace.end(out, null);
    out.forEach(r -> metrics.enqueued(r.duplicate()));
  }

  @Override
  public boolean cancel(String jobId) {
    boolean cancelled = admin.cancel(jobId);
    if (cancelled) {
      signal.signal(); // a cancelled running job frees its slots
    }
    return cancelled;
  }

  @Override
  public Optional<JobInfo> lookup(String jobId) {
    return admin.lookup(jobId);
  }

  @Override
  public CompletableFuture<JobInfo> awaitCompletion(String jobId, Duration timeout) {
    return watcher.await(jobId, timeout);
  }

  // ---- configuration ----

  @Override
  public void configureFunction(FunctionSpec spec) {
    config.configureFunction(spec);
    signal.signal();
  }

  @Override
  public void registerFunction(FunctionSpec spec) {
    config.registerFunction(spec);
  }

  @Override
  public Optional<FunctionSpec> function(String name) {
    return config.function(name);
  }

  @Override
  public void configureTenant(String tenant, TenantSettings settings) {
    config.configureTenant(tenant, settings);
    signal.signal();
  }

  @Override
  public TenantSettings tenant(String tenant) {
    return config.tenant(tenant);
  }

  @Override
  public void pauseTenant(String tenant) {
    config.configureTenant(tenant, config.tenant(tenant).withPaused(true));
  }

  @Override
  public void resumeTenant(String tenant) {
    configureTenant(tenant, config.tenant(tenant).withPaused(false));
  }

  @Override
  public void pauseFunction(String function) {
    config.setFunctionPaused(function, true); // the claim script sees it from now on
  }

  @Override
  public void resumeFunction(String function) {
    config.setFunctionPaused(function, false);
    signal.signal();
  }

  @Override
  public boolean isFunctionPaused(String function) {
    Names.requireFunction(function);
    return config.isFunctionPaused(function);
  }

  // ---- dead letters ----

  @Override
  public List<JobInfo> deadLetters(String tenant, int limit) {
    return admin.deadLetters(tenant, limit);
  }

  @Override
  public boolean replay(String jobId) {
    boolean replayed = admin.replay(jobId);
    if (replayed) {
      signal.signal();
    }
    return replayed;
  }

  // ---- operations ----

  @Override
  public Optional<Explanation> explain(String jobId) {
    return explainer.explain(jobId);
  }

  @Override
  public StatsPage<TenantStats> tenantStats(TenantStatsQuery query) {
    return tenantStats.read(Objects.requireNonNull(query, "query"));
  }

  @Override
  public List<FunctionStats> functionStats() {
    return functionStats.read();
  }

  @Override
  public TenantConfig tenantConfig(String tenant) {
    TenantSettings s = config.tenant(tenant);
    return new TenantConfig(tenant, s.weight(), s.concurrencyLimit(), s.paused());
  }

  @Override
  public void configureTenant(TenantConfig c) {
    configureTenant(c.tenant(), new TenantSettings(c.weight(), c.concurrencyLimit(), c.paused()));
  }

  @Override
  public StatsPage<JobInfo> deadLetters(String tenant, String cursor, int limit) {
    return admin.deadLetterPage(tenant, cursor, limit);
  }

  @Override
  public long replayDeadLetters(String tenant, int max) {
    long n = admin.replayAll(tenant, max);
    if (n > 0) {
      signal.signal();
    }
    return n;
  }

  @Override
  public boolean purgeDeadLetter(String jobId) {
    return admin.purge(jobId);
  }

  @Override
  public long purgeDeadLetters(String tenant) {
    return admin.purgeAll(tenant);
  }

  /** Writes the waits the claim loops recorded (stats only: a failure is retried next time). */
  private void flushWaits() {
    try {
      waits.flush();
    } catch (RuntimeException e) {
      log.debug("could not record job waits: {}", e.toString());
    }
  }

  // ---- running jobs ----

  @Override
  public void register(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    config.registerFunction(spec);
    embedded.register(spec, maxInFlight, handler);
    embeddedSpecs.put(spec.name(), spec);
    signal.signal();
  }

  @Override
  public void unregister(String function) {
    embeddedSpecs.remove(function);
    embedded.unregister(function);
  }

  /** Keeps the configs of embedded functions alive (see EngineOptions.registeredFunctionLifetime). */
  private void refreshEmbedded() {
    for (FunctionSpec spec : embeddedSpecs.values()) {
      try {
        config.registerFunction(spec);
      } catch (RuntimeException e) {
        // Reconfigured meanwhile (then it no longer expires), or Redis is away: the next round
        // tries again, well within the lifetime.
        log.debug("could not refresh function {}: {}", spec.name(), e.toString());
      }
    }
  }

  @Override
  public EngineOptions options() {
    return options;
  }

  /** The port for hosts of workers: the node server and the embedded runner. */
  public Leases leases() {
    return leases;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loops.forEach(ClaimLoop::stop);
    for (Thread t : loopThreads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    embedded.drain(options.shutdownGrace());
    flushWaits();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(1, TimeUnit.SECONDS); // a sweep in flight would renew the role
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scavenger != null) {
      scavenger.release();
    }
    if (channels != null) {
      channels.close();
    }
    watcher.close();
    embedded.close();
    completer.close();
    enqueuer.close();
    blockingEnqueues.close();
    redis.close();
    log.debug("engine {} closed", id);
  }
}
