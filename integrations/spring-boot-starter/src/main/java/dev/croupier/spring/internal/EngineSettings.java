package dev.croupier.spring.internal;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.FairnessMode;
import dev.croupier.spring.CroupierConfigurationException;
import dev.croupier.spring.CroupierProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Builds the embedded engine's {@link EngineOptions} from {@code croupier.embedded.*}. */
public final class EngineSettings {

  /**
   * How long closing the engine waits for its own running jobs. The lifecycle has drained them
   * already (for up to croupier.shutdown-grace); this covers the completion a job writes after its
   * handler returned. Jobs still running past the grace are interrupted and delivered again after
   * their lease, rather than outliving the beans they use.
   */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private static final String P = "croupier.embedded.";
  private static final Map<String, String> PROPERTIES = Map.ofEntries(
      Map.entry("redisUrl", P + "redis-url"),
      Map.entry("namespace", P + "namespace"),
      Map.entry("shards", P + "shards"),
      Map.entry("claimThreads", P + "claim-threads"),
      Map.entry("maxBatch", P + "max-batch"),
      Map.entry("capacityBackoff", P + "capacity-backoff"),
      Map.entry("idlePoll", P + "idle-poll"),
      Map.entry("scavengeInterval", P + "scavenge-interval"),
      Map.entry("configCacheTtl", P + "config-cache-ttl"),
      Map.entry("virtualTimeRetention", P + "virtual-time-retention"),
      Map.entry("statusRetention", P + "status-retention"),
      Map.entry("idempotencyWindow", P + "idempotency-window"),
      Map.entry("registeredFunctionLifetime", P + "registered-function-lifetime"),
      Map.entry("maxPayloadBytes", P + "max-payload-size"),
      Map.entry("redisFunctions", P + "redis-functions"),
      Map.entry("scriptBudget", P + "script-budget"));

  private EngineSettings() {}

  /**
   * The options {@code properties} describe, with the application's {@code registry} (null: the
   * engine keeps its metrics to itself). Throws {@link CroupierConfigurationException} naming the
   * property at fault.
   */
  public static EngineOptions options(CroupierProperties properties, MeterRegistry registry) {
    CroupierProperties.Embedded e = properties.getEmbedded();
    if (e.getRedisUrl() == null || e.getRedisUrl().isBlank()) {
      throw PropertyErrors.missing(P + "redis-url", "embedded", "redis://localhost:6379");
    }
    EngineOptions.Builder b = EngineOptions.newBuilder().redisUrl(e.getRedisUrl().trim());
    set(e.getNamespace(), b::namespace);
    set(e.getShards(), b::shards);
    set(e.getClaimThreads(), b::claimThreads);
    set(e.getMaxBatch(), b::maxBatch);
    set(e.getCapacityBackoff(), b::capacityBackoff);
    set(e.getIdlePoll(), b::idlePoll);
    set(e.getScavengeInterval(), b::scavengeInterval);
    set(e.getConfigCacheTtl(), b::configCacheTtl);
    set(e.getVirtualTimeRetention(), b::virtualTimeRetention);
    set(e.getStatusRetention(), b::statusRetention);
    set(e.getIdempotencyWindow(), b::idempotencyWindow);
    set(e.getRegisteredFunctionLifetime(), b::registeredFunctionLifetime);
    set(e.getRedisFunctions(), b::redisFunctions);
    set(e.getScriptBudget(), b::scriptBudget);
    if (e.getMaxPayloadSize() != null) {
      long bytes = e.getMaxPayloadSize().toBytes();
      // Out-of-range sizes still reach EngineOptions' own check, which states the range.
      b.maxPayloadBytes(bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes);
    }
    if (e.getFairness() != null) {
      b.fairness(fairness(e.getFairness()));
    }
    if (registry != null) {
      b.meterRegistry(registry);
    }
    b.shutdownGrace(CLOSE_GRACE);
    try {
      return b.build();
    } catch (IllegalArgumentException | NullPointerException ex) {
      throw PropertyErrors.invalid("croupier.embedded", PROPERTIES, ex);
    }
  }

  private static FairnessMode fairness(String value) {
    try {
      return FairnessMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException ex) {
      throw new CroupierConfigurationException("invalid " + P + "fairness: '" + value + "'",
          "use one of " + Arrays.stream(FairnessMode.values())
              .map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** The Redis URL with any user and password hidden, for messages and health details. */
  public static String redacted(String url) {
    int at = url.lastIndexOf('@');
    int scheme = url.indexOf("://");
    if (at < 0 || scheme < 0 || at < scheme) {
      return url;
    }
    return url.substring(0, scheme + 3) + "***@" + url.substring(at + 1);
  }
}
