package dev.croupier.engine.internal.config;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.Names;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * Function specs, tenant plans and function pauses, stored in Redis (the config shard) and cached
 * here. A change made through this engine is visible to it at once; other engines see it within
 * the cache TTL ({@code EngineOptions.configCacheTtl}, 2 s by default), which is the staleness
 * bound the claim loop's limits and pauses run with.
 *
 * <p>A function config comes in two kinds. One stored by {@link #configureFunction} (an operator's
 * decision) lives until changed. One stored by {@link #registerFunction} (a worker said it serves
 * the function) expires after the registered-function lifetime unless registered again: hosts
 * re-register what they serve well within it, so only functions nobody serves any more lose
 * their config, and a worker token cannot leave keys in Redis forever. The kinds are told apart
 * by the key's TTL (a configured key has none). Jobs of an expired function stay queued and run
 * once a worker registers it again; enqueues are refused meanwhile, as for an unknown function.
 */
public final class ConfigStore {

  private static final String FIELD = "spec";
  private static final String PAUSED_KEY = "all";

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final Duration registeredLifetime;
  private final LoadingCache<String, Optional<FunctionSpec>> functions;
  private final LoadingCache<String, TenantSettings> tenants;
  private final LoadingCache<String, Set<String>> pausedFunctions;

  /** A store over {@code redis} whose cached entries live at most {@code ttl}. */
  public ConfigStore(UnifiedJedis redis, KeySchema keys, Duration ttl) {
    this(redis, keys, ttl, EngineOptions.DEFAULT_REGISTERED_FUNCTION_LIFETIME);
  }

  /**
   * A store over {@code redis} whose cached entries live at most {@code ttl}, and whose
   * registered (not configured) function configs expire {@code registeredLifetime} after their
   * last registration.
   */
  public ConfigStore(UnifiedJedis redis, KeySchema keys, Duration ttl, Duration registeredLifetime) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.registeredLifetime = Objects.requireNonNull(registeredLifetime, "registeredLifetime");
    this.functions = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000)
        .build(this::loadFunction);
    this.tenants = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(1_000_000)
        .build(this::loadTenant);
    this.pausedFunctions = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(1)
        .build(k -> Set.copyOf(call("reading paused functions", () -> redis.smembers(keys.pausedFunctions()))));
  }

  /** The function's spec, if one is stored. */
  public Optional<FunctionSpec> function(String name) {
    Names.requireFunction(name);
    return functions.get(name);
  }

  /**
   * Whether the function's spec (or its absence) is in this engine's cache, so that
   * {@link #requireFunction} answers without a round trip to Redis.
   */
  public boolean isCached(String name) {
    return name != null && functions.getIfPresent(name) != null;
  }

  /** The function's spec, or an error saying it is unknown. */
  public FunctionSpec requireFunction(String name) {
    return function(name).orElseThrow(() -> new InvalidRequestException("unknown function '" + name
        + "': a worker must register it (or configure it) before jobs can be enqueued for it"));
  }

  /** Stores a spec, replacing any stored one; it never expires (see the type's documentation). */
  public void configureFunction(FunctionSpec spec) {
    call("storing function " + spec.name(), () -> {
      String key = keys.functionConfig(spec.name());
      redis.hset(key, FIELD, SpecCodec.encode(spec));
      redis.persist(key);
      redis.sadd(keys.functionNames(), spec.name());
      mirrorRetry(spec);
      return null;
    });
    functions.put(spec.name(), Optional.of(spec));
  }

  /**
   * Copies a function's retry policy into every shard, where the completion script computes
   * backoffs (a script reads only its own shard's keys).
   */
  private void mirrorRetry(FunctionSpec spec) {
    RetryPolicy r = spec.retry();
    String policy = r.base().toMillis() + "," + r.factor() + "," + r.cap().toMillis();
    for (int shard = 0; shard < keys.shards(); shard++) {
      redis.hset(keys.retryPolicies(shard), spec.name(), policy);
    }
  }

  /**
   * Stores a spec unless one is stored, and throws if the stored one differs. A config it
   * creates, or one it finds that was created this way, lives for the registered-function
   * lifetime from now; a configured one is left as it is.
   */
  public void registerFunction(FunctionSpec spec) {
    String encoded = SpecCodec.encode(spec);
    String stored = call("registering function " + spec.name(), () -> store(spec, encoded));
    if (!encoded.equals(stored)) {
      throw new InvalidRequestException("function '" + spec.name()
          + "' is already registered with a different config (stored: " + stored + "; given: "
          + encoded + "); register the same config, or change it on purpose with configureFunction");
    }
    functions.put(spec.name(), Optional.of(spec));
  }

  /** Writes or refreshes a registered config; returns the config stored now. */
  private String store(FunctionSpec spec, String encoded) {
    String key = keys.functionConfig(spec.name());
    long lifetimeMs = registeredLifetime.toMillis();
    for (int attempt = 0; attempt < 3; attempt++) {
      if (redis.hsetnx(key, FIELD, encoded) == 1) {
        // Not atomic with the write: a crash in between leaves a config without a lifetime, as
        // every config had before lifetimes; the next registration cannot tell it apart from a
        // configured one, so it stays. Rare and harmless.
        redis.pexpire(key, lifetimeMs);
        mirrorRetry(spec);
        return encoded;
      }
      String stored = redis.hget(key, FIELD);
      if (stored == null) {
        continue; // it expired between the two commands: create it again
      }
      if (stored.equals(encoded) && redis.pttl(key) > 0) {
        redis.pexpire(key, lifetimeMs);
      }
      if (stored.equals(encoded)) {
        mirrorRetry(spec); // idempotent; covers shards of a namespace written before the mirror
      }
      return stored;
    }
    throw new IllegalStateException("function " + spec.name() + " config keeps vanishing");
  }

  /**
   * The names of every configured function (registered ones are not listed: they come and go
   * with their workers, and the list would only grow).
   */
  public Set<String> functionNames() {
    return call("listing functions", () -> redis.smembers(keys.functionNames()));
  }

  /** A tenant's plan ({@link TenantSettings#DEFAULT} when never configured). */
  public TenantSettings tenant(String tenant) {
    Names.requireTenant(tenant);
    return tenants.get(tenant);
  }

  /** Stores a tenant's plan. */
  public void configureTenant(String tenant, TenantSettings settings) {
    Names.requireTenant(tenant);
    Objects.requireNonNull(settings, "settings");
    call("storing tenant " + tenant, () -> {
      redis.hset(keys.tenantConfig(tenant), FIELD, SpecCodec.encode(settings));
      // The scheduler reads the plan in the tenant's own shard: weights, limits and pauses act on
      // the next claim, on the backlog already queued.
      redis.hset(keys.plans(keys.shardOf(tenant)), tenant, settings.weight() + ","
          + settings.concurrencyLimit() + "," + (settings.paused() ? 1 : 0));
      return null;
    });
    tenants.put(tenant, settings);
  }

  /** Whether claiming skips this function. */
  public boolean isFunctionPaused(String function) {
    return pausedFunctions.get(PAUSED_KEY).contains(function);
  }

  /**
   * Pauses or resumes a function. The pause is written to the config shard and mirrored into
   * every shard before this returns; the claim script checks its shard's mirror, so from then on
   * no engine leases the function's jobs, whatever its cache says.
   */
  public void setFunctionPaused(String function, boolean paused) {
    Names.requireFunction(function);
    List<String> sets = new ArrayList<>(keys.shards() + 1);
    sets.add(keys.pausedFunctions()); // the config shard's set first, then every shard's mirror
    for (int shard = 0; shard < keys.shards(); shard++) {
      sets.add(keys.pausedFunctions(shard));
    }
    Set<String> now = call("pausing function " + function, () -> {
      for (String set : sets) {
        if (paused) {
          redis.sadd(set, function);
        } else {
          redis.srem(set, function);
        }
      }
      return Set.copyOf(redis.smembers(keys.pausedFunctions()));
    });
    // Put, not invalidate: a claim loop's read of the set that began before the write would
    // otherwise land after the invalidation and keep the old set for the cache's whole TTL
    // (Caffeine leaves a load in flight alone on invalidateAll; a put waits for it and wins).
    pausedFunctions.put(PAUSED_KEY, now);
  }

  /**
   * Brings every shard's mirror of the paused functions in line with the config shard's set, for
   * a namespace written before the mirrors existed or left half-written by a crash between the
   * two writes of {@link #setFunctionPaused}. Run when an engine starts.
   */
  public void mirrorPausedFunctions() {
    call("mirroring paused functions", () -> {
      Set<String> paused = redis.smembers(keys.pausedFunctions());
      for (int shard = 0; shard < keys.shards(); shard++) {
        String mirror = keys.pausedFunctions(shard);
        for (String stale : redis.smembers(mirror)) {
          if (!paused.contains(stale)) {
            redis.srem(mirror, stale);
          }
        }
        if (!paused.isEmpty()) {
          redis.sadd(mirror, paused.toArray(String[]::new));
        }
      }
      return null;
    });
  }

  private Optional<FunctionSpec> loadFunction(String name) {
    String text = call("reading function " + name, () -> redis.hget(keys.functionConfig(name), FIELD));
    return text == null ? Optional.empty() : Optional.of(SpecCodec.decodeFunction(name, text));
  }

  private TenantSettings loadTenant(String tenant) {
    String text = call("reading tenant " + tenant, () -> redis.hget(keys.tenantConfig(tenant), FIELD));
    return text == null ? TenantSettings.DEFAULT : SpecCodec.decodeTenant(text);
  }

  private static <T> T call(String doing, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw RedisErrors.translate(doing, e);
    }
  }
}
