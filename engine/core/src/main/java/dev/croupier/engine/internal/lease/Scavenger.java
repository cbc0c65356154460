package dev.croupier.engine.internal.lease;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requeues jobs whose lease expired (their worker or engine died, or stopped heartbeating), each
 * expiry counting as an attempt. One engine per shard does it at a time: it holds the shard's
 * scavenger role lease, renewed every sweep; when it dies, another takes over after the lease runs out.
 */
public final class Scavenger implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Scavenger.class);
  private static final int BATCH = 200;

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;
  private final String owner;
  private final LongConsumer onRequeued;

  /** A scavenger for engine {@code owner}; {@code onRequeued} hears how many jobs came back. */
  public Scavenger(ScriptRegistry scripts, KeySchema keys, EngineOptions options, String owner,
      LongConsumer onRequeued) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.options = Objects.requireNonNull(options, "options");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.onRequeued = Objects.requireNonNull(onRequeued, "onRequeued");
  }

  @Override
  public void run() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("scavenger sweep failed; next sweep in {}: {}", options.scavengeInterval(), e.toString());
    }
  }

  /** One sweep over every shard whose role this engine holds; returns jobs requeued or dead. */
  public long sweep() {
    long total = 0;
    long roleMs = Math.max(1000, options.scavengeInterval().toMillis() * 3);
    for (int shard = 0; shard < keys.shards(); shard++) {
      ReplyCode role = Replies.code(scripts.run(Script.ACQUIRE_ROLE,
          Args.of().add(keys.scavengerRole(shard)).list(), Args.of().add(owner).add(roleMs).list()));
      if (role != ReplyCode.OK) {
        continue;
      }
      while (true) {
        Replies.Swept swept = Replies.swept(scripts.run(Script.REQUEUE_EXPIRED,
            Args.of().add(keys.inflight(shard)).list(),
            Args.of().add(keys.prefix(shard)).add(options.clock().millis()).add(BATCH)
                .add(options.scriptBudgetMicros()).list()));
        if (swept.total() > 0) {
          log.info("scavenger: shard {}: {} expired lease(s) requeued, {} job(s) out of attempts to the DLQ",
              shard, swept.requeued(), swept.dead());
          onRequeued.accept(swept.requeued());
        }
        total += swept.total();
        if (swept.total() < BATCH && !swept.more()) {
          break;
        }
      }
    }
    return total;
  }

  /**
   * Gives up every shard's role this engine holds (at close), so another engine, or a newer one
   * starting after this one stopped (StorageLayout waits out leftover leases), need not wait for
   * the lease to run out. The role script renews a lease only for its holder: renewing for 1 ms
   * ends it; a role held by another engine is left alone. Best effort: Redis may be gone.
   */
  public void release() {
    for (int shard = 0; shard < keys.shards(); shard++) {
      try {
        scripts.run(Script.ACQUIRE_ROLE, Args.of().add(keys.scavengerRole(shard)).list(),
            Args.of().add(owner).add(1).list());
      } catch (RuntimeException e) {
        log.debug("releasing the scavenger role of shard {}: {}", shard, e.toString());
        return;
      }
    }
  }
}
