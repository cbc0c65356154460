package dev.croupier.engine.internal;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.redis.RedisErrors;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The namespace's storage layout (field {@code layout} of its {@code meta} hash): which form its
 * keys are in. An engine refuses a namespace a newer layout was written to, rather than misread
 * it, and brings an older one up to its own before it serves anything. The layouts:
 *
 * <ol>
 *   <li>the first;
 *   <li>compact queued-job records (no state, attempts, tenant or function fields;
 *       docs/design.md): older records are read as they are;
 *   <li>per-function job totals ({@code cnt:f}) beside the per-tenant-function counters: rebuilt
 *       from those once, per shard, by {@code countFunctions};
 *   <li>a queue's jobs due at once without priority in a list beside its sorted set, and records
 *       without enqueued-at (their id's time; lua/includes/fair.lua): older queues and records
 *       are read as they are, so nothing is rewritten.
 * </ol>
 *
 * <p>An engine of an older layout still running on the namespace would not keep what the newer
 * one adds (a layout-3 engine would not see the jobs layout 4 puts in lists, and would unfile
 * their queues): docs/operations.md ("Upgrading") says to stop every engine before starting the
 * new ones, and an upgrade refuses to start while an engine still renews a scavenger role lease
 * (every engine takes part in those; a lease left by an engine that just stopped is waited out,
 * up to {@link #LEFTOVER_WAIT}). Two new engines starting together both upgrade; each step is
 * atomic and recomputes from what is stored, so the second changes nothing.
 */
final class StorageLayout {

  /** The layout this engine writes and reads. */
  static final int CURRENT = 4;
  /** Longest an upgrade waits for a role lease an older engine left to run out. */
  static final Duration LEFTOVER_WAIT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(StorageLayout.class);

  private final UnifiedJedis redis;
  private final KeySchema keys;
  private final String namespace;

  StorageLayout(UnifiedJedis redis, KeySchema keys, String namespace) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Checks the namespace's layout and upgrades an older one to {@link #CURRENT}. */
  void check(ScriptRegistry scripts) {
    int stored;
    try {
      redis.hsetnx(keys.meta(), "layout", Integer.toString(CURRENT));
      stored = Integer.parseInt(redis.hget(keys.meta(), "layout"));
    } catch (NumberFormatException e) {
      throw new CroupierException("namespace '" + namespace + "' has an unreadable storage layout"
          + " marker in " + keys.meta() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw RedisErrors.translate("checking the storage layout", e);
    }
    if (stored > CURRENT) {
      throw new CroupierException("namespace '" + namespace + "' on this Redis holds jobs in"
          + " storage layout " + stored + ", newer than this engine's (" + CURRENT + "): upgrade this engine");
    }
    if (stored == CURRENT) {
      return;
    }
    if (requireNoOlderEngine(stored)) {
      return; // another new engine upgraded it meanwhile
    }
    try {
      if (stored < 3) {
        for (int shard = 0; shard < keys.shards(); shard++) {
          Object written = scripts.run(Script.COUNT_FUNCTIONS, Args.of().add(keys.functionCounts(shard)).list(),
              Args.of().add(keys.prefix(shard)).list());
          log.info("namespace '{}' shard {}: per-function job totals rebuilt ({} totals)", namespace, shard, written);
        }
      }
      redis.hset(keys.meta(), "layout", Integer.toString(CURRENT));
    } catch (RuntimeException e) {
      throw RedisErrors.translate("upgrading the storage layout from " + stored + " to " + CURRENT, e);
    }
    log.info("namespace '{}': storage layout {} upgraded to {}", namespace, stored, CURRENT);
  }

  /**
   * Refuses (throws) while an engine of the older layout runs: one holds a shard's scavenger role
   * lease and renews it. A lease nobody renews (its engine stopped) is waited out, up to
   * {@link #LEFTOVER_WAIT}. Returns true when the namespace reached {@link #CURRENT} meanwhile
   * (another new engine upgraded it; the leases are then new engines').
   */
  private boolean requireNoOlderEngine(int stored) {
    try {
      Map<Integer, String> holders = new TreeMap<>();
      long longest = 0;
      for (int shard = 0; shard < keys.shards(); shard++) {
        String holder = redis.get(keys.scavengerRole(shard));
        if (holder != null) {
          holders.put(shard, holder);
          longest = Math.max(longest, redis.pttl(keys.scavengerRole(shard)));
        }
      }
      if (holders.isEmpty()) {
        return false;
      }
      long wait = Math.min(longest, LEFTOVER_WAIT.toMillis()) + 200;
      log.info("namespace '{}': waiting up to {} ms for the scavenger lease(s) of engine(s) {} before upgrading"
          + " storage layout {} to {}", namespace, wait, holders.values(), stored, CURRENT);
      long end = System.nanoTime() + wait * 1_000_000;
      while (System.nanoTime() < end) {
        Thread.sleep(100);
        if (layoutIsCurrent()) {
          return true;
        }
        holders.keySet().removeIf(shard -> redis.get(keys.scavengerRole(shard)) == null);
        if (holders.isEmpty()) {
          return false;
        }
      }
      if (layoutIsCurrent()) {
        return true;
      }
      Map.Entry<Integer, String> first = holders.entrySet().iterator().next();
      throw new CroupierException("namespace '" + namespace + "' is in storage layout " + stored
          + " and engine " + first.getValue() + " still holds the scavenger role of shard " + first.getKey()
          + " after " + wait + " ms: an engine of the older release is still running (or stopped moments"
          + " ago). Stop every engine of the older release, then start this one (docs/operations.md, Upgrading)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CroupierException("interrupted while checking for engines of an older storage layout", e);
    } catch (RuntimeException e) {
      throw RedisErrors.translate("checking for engines of an older storage layout", e);
    }
  }

  private boolean layoutIsCurrent() {
    return Integer.toString(CURRENT).equals(redis.hget(keys.meta(), "layout"));
  }
}
