package dev.croupier.engine;

import static dev.croupier.api.OptionChecks.requirePositive;
import static dev.croupier.api.OptionChecks.requireRange;

import dev.croupier.api.tracing.JobTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How an engine connects and claims. Immutable; build with {@link #newBuilder()}.
 *
 * @param redisUrl {@code redis://host:port} (or {@code rediss://}) of the Redis to use
 * @param namespace prefix of every key, so several deployments (or tests) can share one Redis
 * @param shards hash-tagged key spaces; every engine on a Redis must use the same number
 * @param claimThreads claim loops in this engine; one claims every shard in turn, and loops take
 *     turns per shard, so more than one helps only with several shards (their round trips overlap)
 * @param maxBatch most jobs one claim call leases for one function
 * @param capacityBackoff how long a queue or tenant found at a concurrency limit waits before it
 *     is looked at again, unless an ack frees its slot first (then at once)
 * @param idlePoll longest sleep of an idle claim loop: a safety net, since work written through
 *     another engine is announced on the shard's work channel and wakes the loop at once; bounds
 *     how late it is found if an announcement was missed
 * @param scavengeInterval how often the scavenger looks for expired leases
 * @param configCacheTtl how stale a cached function or tenant config may be
 * @param virtualTimeRetention how long a tenant's virtual time outlives its last service: a
 *     tenant idle longer than this leaves nothing behind and returns at the system time
 * @param statusRetention how long a succeeded or cancelled job's status record is kept; zero keeps
 *     none (a job's record goes as it succeeds, saving two Redis commands per job), except for a
 *     watched job ({@link dev.croupier.api.EnqueueOptions#watched}, or one being awaited), whose
 *     record stays {@link #WATCHED_STATUS_GRACE} so its watcher can read how it ended
 * @param idempotencyWindow how long an idempotency key deduplicates
 * @param registeredFunctionLifetime how long a function config stored by
 *     {@link Engine#registerFunction} (by a worker) lives once nothing registers it again; nodes
 *     and embedded runners re-register the functions they serve well within it. Configs stored
 *     by {@link Engine#configureFunction} never expire
 * @param maxPayloadBytes largest payload accepted
 * @param shutdownGrace how long close() waits for embedded jobs in flight
 * @param fairness whether plan weights count ({@code WEIGHTED}) or every tenant weighs 1
 * @param clock the time source (tests use a fake one)
 * @param meterRegistry where the engine's metrics go (a Prometheus registry on an engine node)
 * @param tracing how enqueues and embedded runs are traced: by default
 *     {@link JobTracing#detect()} (OpenTelemetry's global instance when its API is on the class
 *     path, nothing otherwise); {@code OpenTelemetryTracing.of(openTelemetry)} for another
 *     instance, {@link JobTracing#none()} to turn it off
 * @param tenantSeriesLimit per-tenant metric series (a {@code tenant} tag on the wait, run,
 *     backlog and running meters) for at most this many tenants, the first seen; the others are
 *     summed under {@code tenant="_other"}. 0 (the default) leaves the tenant tag off
 * @param redisFunctions whether the engine's Lua runs as one Redis function library
 *     ({@code FUNCTION LOAD} once, then {@code FCALL}) where the server has functions (Redis 7
 *     and newer) and lets this user load them; otherwise, and always when false, each script runs
 *     with {@code EVALSHA}. On by default: a library is defined once, where a script defines its
 *     helpers again on every call (a fifth to a half of a small call's Redis CPU)
 * @param scriptBudget how long a script call that loops over work (a claim's picks, a batch of
 *     completions, a sweep of expired leases) may run before it stops starting more and answers
 *     what it did; the engine sends the rest in further calls. Redis serves no other client while
 *     a script runs, so this bounds what a busy engine adds to everyone's latency: a call ends
 *     about this long plus one step and its closing writes after it starts. A step's cost varies
 *     tenfold with how cold its keys are (a million one-job tenants), so a count cannot bound it
 */
public record EngineOptions(
    String redisUrl,
    String namespace,
    int shards,
    int claimThreads,
    int maxBatch,
    Duration capacityBackoff,
    Duration idlePoll,
    Duration scavengeInterval,
    Duration configCacheTtl,
    Duration virtualTimeRetention,
    Duration statusRetention,
    Duration idempotencyWindow,
    Duration registeredFunctionLifetime,
    int maxPayloadBytes,
    Duration shutdownGrace,
    FairnessMode fairness,
    InstantSource clock,
    MeterRegistry meterRegistry,
    JobTracing tracing,
    int tenantSeriesLimit,
    boolean redisFunctions,
    Duration scriptBudget) {

  public static final String DEFAULT_NAMESPACE = "croupier";
  public static final int DEFAULT_SHARDS = 1;
  public static final int DEFAULT_CLAIM_THREADS = 1;
  public static final int DEFAULT_MAX_BATCH = 256;
  public static final Duration DEFAULT_CAPACITY_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_IDLE_POLL = Duration.ofMillis(250);
  public static final Duration DEFAULT_SCAVENGE_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CONFIG_CACHE_TTL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_VIRTUAL_TIME_RETENTION = Duration.ofHours(1);
  public static final Duration DEFAULT_STATUS_RETENTION = Duration.ofHours(24);
  /**
   * How long a watched job's status record stays when {@code statusRetention} is zero: long
   * enough for its watcher to read how it ended (the scripts' WATCHED_GRACE_MS).
   */
  public static final Duration WATCHED_STATUS_GRACE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);
  public static final Duration DEFAULT_REGISTERED_FUNCTION_LIFETIME = Duration.ofDays(7);
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  /** Per-tenant metric series are off unless asked for. */
  public static final int DEFAULT_TENANT_SERIES_LIMIT = 0;
  /** Claims and completion batches past this stop and answer: calls end near 1 ms (includes/budget.lua). */
  public static final long DEFAULT_SCRIPT_BUDGET_MICROS = 750;
  public static final Duration DEFAULT_SCRIPT_BUDGET = Duration.ofNanos(DEFAULT_SCRIPT_BUDGET_MICROS * 1000);
  /** The largest script budget: above a second a call would near Redis's busy-script limit (5 s) on a slow machine. */
  public static final long MAX_SCRIPT_BUDGET_MICROS = 1_000_000;
  /** The most tenants that may get series of their own: each costs dozens of series. */
  public static final int MAX_TENANT_SERIES_LIMIT = 10_000;

  /** Validates every field; messages show the bad value. */
  public EngineOptions {
    Objects.requireNonNull(redisUrl, "redisUrl");
    if (!redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
      throw new IllegalArgumentException(
          "redisUrl must start with redis:// or rediss://: " + redisUrl);
    }
    requireHostAndPort(redisUrl);
    if (namespace == null || !namespace.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new IllegalArgumentException(
          "namespace must be 1-32 characters from A-Z a-z 0-9 _ . -: " + namespace);
    }
    requireRange("shards", shards, 1, 16384);
    requireRange("claimThreads", claimThreads, 1, 256);
    requireRange("maxBatch", maxBatch, 1, 10_000);
    requireRange("maxPayloadBytes", maxPayloadBytes, 1, 64 << 20);
    requirePositive("capacityBackoff", capacityBackoff);
    requirePositive("idlePoll", idlePoll);
    requirePositive("scavengeInterval", scavengeInterval);
    requirePositive("configCacheTtl", configCacheTtl);
    requirePositive("virtualTimeRetention", virtualTimeRetention);
    Objects.requireNonNull(statusRetention, "statusRetention");
    if (statusRetention.isNegative()) {
      throw new IllegalArgumentException("statusRetention must be zero (keep no status records) or positive: "
          + statusRetention);
    }
    requirePositive("idempotencyWindow", idempotencyWindow);
    requirePositive("registeredFunctionLifetime", registeredFunctionLifetime);
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    Objects.requireNonNull(fairness, "fairness");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    Objects.requireNonNull(tracing, "tracing");
    requireRange("tenantSeriesLimit", tenantSeriesLimit, 0, MAX_TENANT_SERIES_LIMIT);
    Objects.requireNonNull(scriptBudget, "scriptBudget");
    // Zero is allowed: every call then does only its first steps, a pick or four completions
    // (tests drive the resend paths with it).
    if (scriptBudget.isNegative() || scriptBudget.toNanos() > MAX_SCRIPT_BUDGET_MICROS * 1000) {
      throw new IllegalArgumentException("scriptBudget must be between 0 and 1 s: " + scriptBudget);
    }
  }

  /** {@link #scriptBudget()} in whole microseconds, as the scripts take it. */
  public long scriptBudgetMicros() {
    return scriptBudget.toNanos() / 1000;
  }



  /** Refuses a URL whose host is missing or whose port is out of range, before any connecting. */
  private static void requireHostAndPort(String redisUrl) {
    URI uri;
    try {
      uri = new URI(redisUrl);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("redisUrl is not a valid URL (" + e.getReason() + "): "
          + redacted(redisUrl));
    }
    int port = uri.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("redisUrl port must be between 1 and 65535: " + port
          + " in " + redacted(redisUrl));
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("redisUrl must be redis://host:port (port 1-65535): "
          + redacted(redisUrl));
    }
  }

  /** The URL with any user and password hidden, for messages. */
  private static String redacted(String url) {
    int at = url.lastIndexOf('@');
    int scheme = url.indexOf("://");
    if (at < 0 || scheme < 0 || at < scheme) {
      return url;
    }
    return url.substring(0, scheme + 3) + "***@" + url.substring(at + 1);
  }

  /**
   * How often hosts of workers (nodes, the embedded runner) register the functions they serve
   * again, to keep their configs alive: a quarter of {@link #registeredFunctionLifetime()}, at
   * most an hour, at least 10 ms.
   */
  public Duration registrationRefreshInterval() {
    Duration quarter = registeredFunctionLifetime.dividedBy(4);
    if (quarter.compareTo(Duration.ofHours(1)) > 0) {
      return Duration.ofHours(1);
    }
    return quarter.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : quarter;
  }

  /** A builder with every default; only the Redis URL is required. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link EngineOptions}. */
  public static final class Builder {
    private String redisUrl;
    private String namespace = DEFAULT_NAMESPACE;
    private int shards = DEFAULT_SHARDS;
    private int claimThreads = DEFAULT_CLAIM_THREADS;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration capacityBackoff = DEFAULT_CAPACITY_BACKOFF;
    private Duration idlePoll = DEFAULT_IDLE_POLL;
    private Duration scavengeInterval = DEFAULT_SCAVENGE_INTERVAL;
    private Duration configCacheTtl = DEFAULT_CONFIG_CACHE_TTL;
    private Duration virtualTimeRetention = DEFAULT_VIRTUAL_TIME_RETENTION;
    private Duration statusRetention = DEFAULT_STATUS_RETENTION;
    private Duration idempotencyWindow = DEFAULT_IDEMPOTENCY_WINDOW;
    private Duration registeredFunctionLifetime = DEFAULT_REGISTERED_FUNCTION_LIFETIME;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private FairnessMode fairness = FairnessMode.WEIGHTED;
    private InstantSource clock = InstantSource.system();
    private MeterRegistry meterRegistry;
    private JobTracing tracing;
    private int tenantSeriesLimit = DEFAULT_TENANT_SERIES_LIMIT;
    private boolean redisFunctions = true;
    private Duration scriptBudget = DEFAULT_SCRIPT_BUDGET;

    private Builder() {}

    private Builder(EngineOptions o) {
      redisUrl = o.redisUrl;
      namespace = o.namespace;
      shards = o.shards;
      claimThreads = o.claimThreads;
      maxBatch = o.maxBatch;
      capacityBackoff = o.capacityBackoff;
      idlePoll = o.idlePoll;
      scavengeInterval = o.scavengeInterval;
      configCacheTtl = o.configCacheTtl;
      virtualTimeRetention = o.virtualTimeRetention;
      statusRetention = o.statusRetention;
      idempotencyWindow = o.idempotencyWindow;
      registeredFunctionLifetime = o.registeredFunctionLifetime;
      maxPayloadBytes = o.maxPayloadBytes;
      shutdownGrace = o.shutdownGrace;
      fairness = o.fairness;
      clock = o.clock;
      meterRegistry = o.meterRegistry;
      tracing = o.tracing;
      tenantSeriesLimit = o.tenantSeriesLimit;
      redisFunctions = o.redisFunctions;
      scriptBudget = o.scriptBudget;
    }

    public Builder redisUrl(String v) { redisUrl = v; return this; }
    public Builder namespace(String v) { namespace = v; return this; }
    public Builder shards(int v) { shards = v; return this; }
    public Builder claimThreads(int v) { claimThreads = v; return this; }
    public Builder maxBatch(int v) { maxBatch = v; return this; }
    public Builder capacityBackoff(Duration v) { capacityBackoff = v; return this; }
    public Builder idlePoll(Duration v) { idlePoll = v; return this; }
    public Builder scavengeInterval(Duration v) { scavengeInterval = v; return this; }
    public Builder configCacheTtl(Duration v) { configCacheTtl = v; return this; }
    public Builder virtualTimeRetention(Duration v) { virtualTimeRetention = v; return this; }
    public Builder statusRetention(Duration v) { statusRetention = v; return this; }
    public Builder idempotencyWindow(Duration v) { idempotencyWindow = v; return this; }
    public Builder registeredFunctionLifetime(Duration v) { registeredFunctionLifetime = v; return this; }
    public Builder maxPayloadBytes(int v) { maxPayloadBytes = v; return this; }
    public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
    public Builder fairness(FairnessMode v) { fairness = v; return this; }
    public Builder clock(InstantSource v) { clock = v; return this; }
    public Builder meterRegistry(MeterRegistry v) { meterRegistry = v; return this; }
    public Builder tracing(JobTracing v) { tracing = v; return this; }
    public Builder tenantSeriesLimit(int v) { tenantSeriesLimit = v; return this; }
    public Builder redisFunctions(boolean v) { redisFunctions = v; return this; }
    public Builder scriptBudget(Duration v) { scriptBudget = v; return this; }

    /** Builds and validates the options. */
    public EngineOptions build() {
      return new EngineOptions(redisUrl, namespace, shards, claimThreads,
          maxBatch, capacityBackoff, idlePoll, scavengeInterval, configCacheTtl,
          virtualTimeRetention, statusRetention, idempotencyWindow, registeredFunctionLifetime,
          maxPayloadBytes, shutdownGrace, fairness, clock,
          meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(),
          tracing != null ? tracing : JobTracing.detect(), tenantSeriesLimit, redisFunctions,
          scriptBudget);
    }
  }
}
