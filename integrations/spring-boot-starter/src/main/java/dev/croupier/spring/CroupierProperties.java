package dev.croupier.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code croupier.*} properties. Settings left unset take the defaults of the options type
 * they feed ({@code EngineOptions}, {@code WorkerOptions}, {@code ClientOptions}), so the starter
 * never disagrees with the library about a default; those types validate every value, and a bad
 * one fails start-up naming its property.
 */
@ConfigurationProperties("croupier")
public class CroupierProperties {

  /** How many jobs of one function run at once unless a handler or property says. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 16;
  /** How long shutdown lets running jobs finish unless {@code croupier.shutdown-grace} says. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

  /** Whether the engine runs in this application (embedded) or on engine nodes (remote). */
  private CroupierMode mode = CroupierMode.EMBEDDED;

  /**
   * How long shutdown lets running jobs finish after handlers stop taking new ones. Jobs still
   * running then are handed back (remote) or interrupted (embedded) and delivered again. Keep it
   * below spring.lifecycle.timeout-per-shutdown-phase (30s by default).
   */
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

  /** Most jobs of one function running at once, for handlers that do not say. */
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

  /** Settings per function name, overriding what its handler declares. */
  private final Map<String, FunctionSettings> functions = new LinkedHashMap<>();

  /** The embedded engine (croupier.mode=embedded). */
  private final Embedded embedded = new Embedded();

  /** The engine nodes this application talks to (croupier.mode=remote). */
  private final Remote remote = new Remote();

  public CroupierMode getMode() { return mode; }
  public void setMode(CroupierMode mode) { this.mode = mode; }
  public Duration getShutdownGrace() { return shutdownGrace; }
  public void setShutdownGrace(Duration shutdownGrace) { this.shutdownGrace = shutdownGrace; }
  public int getMaxInFlight() { return maxInFlight; }
  public void setMaxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; }
  public Map<String, FunctionSettings> getFunctions() { return functions; }
  public Embedded getEmbedded() { return embedded; }
  public Remote getRemote() { return remote; }

  /** Settings of one function, by its name under {@code croupier.functions}. */
  public static class FunctionSettings {

    /** Most of its jobs running at once in this application, overriding the handler's value. */
    private Integer maxInFlight;

    public Integer getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(Integer maxInFlight) { this.maxInFlight = maxInFlight; }
  }

  /** The embedded engine: {@code croupier.embedded.*}, one property per EngineOptions field. */
  public static class Embedded {

    /** The Redis to run on, redis://host:port or rediss://host:port (required in embedded mode). */
    private String redisUrl;

    /** Prefix of every key, so several deployments can share one Redis (default croupier). */
    private String namespace;

    /** Hash-tagged key spaces; every engine on a namespace must use the same number (default 1). */
    private Integer shards;

    /** Claim loops in this engine (default 2). */
    private Integer claimThreads;

    /** Most jobs one claim call leases for one function (default 256). */
    private Integer maxBatch;

    /** How long a queue or tenant found at its concurrency limit waits before it is looked at again (default 500ms). */
    private Duration capacityBackoff;

    /** Longest sleep of an idle claim loop: bounds the latency of work enqueued elsewhere (default 20ms). */
    private Duration idlePoll;

    /** How often expired leases are looked for (default 1s). */
    private Duration scavengeInterval;

    /** How stale a cached function or tenant config may be (default 2s). */
    private Duration configCacheTtl;

    /** How long a tenant's virtual time outlives its last service (default 1h). */
    private Duration virtualTimeRetention;

    /** How long a finished job's status is kept (default 24h). */
    private Duration statusRetention;

    /** How long an idempotency key deduplicates (default 24h). */
    private Duration idempotencyWindow;

    /** How long a function config registered by a handler lives once nothing registers it again (default 7d). */
    private Duration registeredFunctionLifetime;

    /** Largest payload accepted (default 1MB). */
    private DataSize maxPayloadSize;

    /**
     * Whether plan weights count (weighted) or every tenant weighs 1 (uniform); default weighted.
     * A string, not the engine's enum, so this class loads without croupier-engine.
     */
    private String fairness;

    /**
     * Whether the engine's Lua runs as one Redis function library (FUNCTION LOAD once, FCALL) where
     * the server has functions (Redis 7+), else with EVALSHA (default true).
     */
    private Boolean redisFunctions;

    /**
     * How long a script call that loops over work (a claim, a batch of completions, a sweep) may
     * hold Redis before it answers what it did and the engine sends the rest (default 750us).
     */
    private Duration scriptBudget;

    public String getRedisUrl() { return redisUrl; }
    public void setRedisUrl(String redisUrl) { this.redisUrl = redisUrl; }
    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public Integer getShards() { return shards; }
    public void setShards(Integer shards) { this.shards = shards; }
    public Integer getClaimThreads() { return claimThreads; }
    public void setClaimThreads(Integer claimThreads) { this.claimThreads = claimThreads; }
    public Integer getMaxBatch() { return maxBatch; }
    public void setMaxBatch(Integer maxBatch) { this.maxBatch = maxBatch; }
    public Duration getCapacityBackoff() { return capacityBackoff; }
    public void setCapacityBackoff(Duration capacityBackoff) { this.capacityBackoff = capacityBackoff; }
    public Duration getIdlePoll() { return idlePoll; }
    public void setIdlePoll(Duration idlePoll) { this.idlePoll = idlePoll; }
    public Duration getScavengeInterval() { return scavengeInterval; }
    public void setScavengeInterval(Duration scavengeInterval) { this.scavengeInterval = scavengeInterval; }
    public Duration getConfigCacheTtl() { return configCacheTtl; }
    public void setConfigCacheTtl(Duration configCacheTtl) { this.configCacheTtl = configCacheTtl; }
    public Duration getVirtualTimeRetention() { return virtualTimeRetention; }
    public void setVirtualTimeRetention(Duration v) { this.virtualTimeRetention = v; }
    public Duration getStatusRetention() { return statusRetention; }
    public void setStatusRetention(Duration statusRetention) { this.statusRetention = statusRetention; }
    public Duration getIdempotencyWindow() { return idempotencyWindow; }
    public void setIdempotencyWindow(Duration idempotencyWindow) { this.idempotencyWindow = idempotencyWindow; }
    public Duration getRegisteredFunctionLifetime() { return registeredFunctionLifetime; }
    public void setRegisteredFunctionLifetime(Duration v) { this.registeredFunctionLifetime = v; }
    public DataSize getMaxPayloadSize() { return maxPayloadSize; }
    public void setMaxPayloadSize(DataSize maxPayloadSize) { this.maxPayloadSize = maxPayloadSize; }
    public String getFairness() { return fairness; }
    public void setFairness(String fairness) { this.fairness = fairness; }
    public Boolean getRedisFunctions() { return redisFunctions; }
    public void setRedisFunctions(Boolean redisFunctions) { this.redisFunctions = redisFunctions; }
    public Duration getScriptBudget() { return scriptBudget; }
    public void setScriptBudget(Duration scriptBudget) { this.scriptBudget = scriptBudget; }
  }

  /** The engine nodes: {@code croupier.remote.*}. */
  public static class Remote {

    /** Engine nodes as host:port; one is used at a time, the next when it goes away (required in remote mode). */
    private List<String> addresses = new ArrayList<>();

    /** The token for both the producer and the worker, unless each has its own ("" for a node without tokens). */
    private String token;

    /** How long connecting plus the handshake may take (default 5s). */
    private Duration connectTimeout;

    /** Silence from a node after which its connection is presumed dead (default 35s). */
    private Duration idleTimeout;

    /** Largest frame accepted from a node (default 4MB, the protocol's). */
    private DataSize maxFrameSize;

    /** TLS to the nodes. */
    private final Tls tls = new Tls();

    /** The producer client behind the JobProducer bean. */
    private final Producer producer = new Producer();

    /** The worker that runs this application's handlers. */
    private final Worker worker = new Worker();

    public List<String> getAddresses() { return addresses; }
    public void setAddresses(List<String> addresses) { this.addresses = addresses; }
    public String getToken() { return token; }
    public void setToken(String token) { this.token = token; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
    public DataSize getMaxFrameSize() { return maxFrameSize; }
    public void setMaxFrameSize(DataSize maxFrameSize) { this.maxFrameSize = maxFrameSize; }
    public Tls getTls() { return tls; }
    public Producer getProducer() { return producer; }
    public Worker getWorker() { return worker; }
  }

  /** TLS to the engine nodes: {@code croupier.remote.tls.*}. */
  public static class Tls {

    /** Whether to connect with TLS. */
    private boolean enabled;

    /** PEM certificate(s) to trust; unset trusts the JDK's trust store. */
    private Path trustCertificate;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Path getTrustCertificate() { return trustCertificate; }
    public void setTrustCertificate(Path trustCertificate) { this.trustCertificate = trustCertificate; }
  }

  /** The producer client: {@code croupier.remote.producer.*}. */
  public static class Producer {

    /** Whether to connect a producer and expose it as the JobProducer bean (off for worker-only applications). */
    private boolean enabled = true;

    /** The producer token, when it differs from croupier.remote.token. */
    private String token;

    /** How the nodes' logs name this client (default java-client). */
    private String clientName;

    /** How long a request (other than a wait) waits for its reply (default 30s). */
    private Duration requestTimeout;

    /** How long after a call began it may still be retried when a node is lost or busy; 0 turns retries off (default 30s). */
    private Duration retryDeadline;

    /** The first pause between retries (default 50ms). */
    private Duration retryMinBackoff;

    /** The longest pause between retries (default 2s). */
    private Duration retryMaxBackoff;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getToken() { return token; }
    public void setToken(String token) { this.token = token; }
    public String getClientName() { return clientName; }
    public void setClientName(String clientName) { this.clientName = clientName; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public Duration getRetryDeadline() { return retryDeadline; }
    public void setRetryDeadline(Duration retryDeadline) { this.retryDeadline = retryDeadline; }
    public Duration getRetryMinBackoff() { return retryMinBackoff; }
    public void setRetryMinBackoff(Duration retryMinBackoff) { this.retryMinBackoff = retryMinBackoff; }
    public Duration getRetryMaxBackoff() { return retryMaxBackoff; }
    public void setRetryMaxBackoff(Duration retryMaxBackoff) { this.retryMaxBackoff = retryMaxBackoff; }
  }

  /** The worker: {@code croupier.remote.worker.*}. */
  public static class Worker {

    /** The worker token, when it differs from croupier.remote.token. */
    private String token;

    /** How the nodes' logs name this worker (default java-worker). */
    private String clientName;

    /** The first wait before reconnecting after a failure (default 100ms). */
    private Duration reconnectMinBackoff;

    /** The longest wait between reconnect attempts (default 5s). */
    private Duration reconnectMaxBackoff;

    /**
     * How long start-up waits for the first connection and the node's answer to every
     * registration; 0 does not wait. The worker keeps connecting in the background either way.
     */
    private Duration startupWait = Duration.ofSeconds(10);

    public String getToken() { return token; }
    public void setToken(String token) { this.token = token; }
    public String getClientName() { return clientName; }
    public void setClientName(String clientName) { this.clientName = clientName; }
    public Duration getReconnectMinBackoff() { return reconnectMinBackoff; }
    public void setReconnectMinBackoff(Duration v) { this.reconnectMinBackoff = v; }
    public Duration getReconnectMaxBackoff() { return reconnectMaxBackoff; }
    public void setReconnectMaxBackoff(Duration v) { this.reconnectMaxBackoff = v; }
    public Duration getStartupWait() { return startupWait; }
    public void setStartupWait(Duration startupWait) { this.startupWait = startupWait; }
  }
}
