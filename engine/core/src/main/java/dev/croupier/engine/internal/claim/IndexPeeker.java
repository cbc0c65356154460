package dev.croupier.engine.internal.claim;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Reads the two tiers of the index: due tenants of a shard, then due queues of a tenant. */
final class IndexPeeker {

  /**
   * Oldest entries every peek includes, whatever the random window. One: the oldest work is
   * always in view, and more would bias service toward the tenants served least by count, which
   * works against plan weights.
   */
  private static final int HEAD = 1;

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;

  IndexPeeker(ScriptRegistry scripts, KeySchema keys, EngineOptions options) {
    this.scripts = scripts;
    this.keys = keys;
    this.options = options;
  }

  /**
   * A due tenant as peeked: its earliest score, decayed usage, jobs in flight, how many of its
   * queues are due (0, 1, or 2 meaning several) with the earliest of them, and when it was last
   * served (0 = never).
   */
  record DueTenant(String tenant, long score, double usage, long inFlight, long dueQueues, String firstQueue,
      long lastServed) {

    /** How long the tenant has waited unserved: since its earliest due job, or its last lease if later. */
    long waitedMillis(long now) {
      return Math.max(0, now - Math.max(score, lastServed));
    }
  }

  /** The due tenants of a shard, how many are due in all, and when the next one is due. */
  record TenantPeek(int shard, long due, long nextDue, List<DueTenant> tenants) {}

  /** A due virtual queue. */
  record DueQueue(String queueId, long score) {}

  /** Up to {@code limit} due tenants of a shard (see {@link TenantPeek}). */
  TenantPeek tenants(int shard, long now, int limit) {
    List<Object> r = Replies.asList(scripts.run(Script.PEEK_TENANTS,
        Args.of().add(keys.tenants(shard)).add(keys.usage(shard)).list(),
        Args.of().add(keys.prefix(shard)).add(now).add(limit)
            .add(Double.toString(ThreadLocalRandom.current().nextDouble())).add(HEAD)
            .add(options.usageHalfLife().toMillis()).list()));
    List<DueTenant> out = new ArrayList<>();
    for (int i = 2; i + 6 < r.size(); i += 7) {
      out.add(new DueTenant(Replies.asString(r.get(i)), Replies.asLong(r.get(i + 1)),
          Replies.asDouble(r.get(i + 2)), Replies.asLong(r.get(i + 3)), Replies.asLong(r.get(i + 4)),
          Replies.asString(r.get(i + 5)), Replies.asLong(r.get(i + 6))));
    }
    return new TenantPeek(shard, Replies.asLong(r.get(0)), Replies.asLong(r.get(1)), out);
  }

  /** The due queues of each tenant, peeked in one round trip. */
  List<List<DueQueue>> queues(int shard, List<String> tenants, long now) {
    List<ScriptRegistry.Call> calls = new ArrayList<>(tenants.size());
    for (String tenant : tenants) {
      calls.add(new ScriptRegistry.Call(Script.PEEK_QUEUES,
          Args.of().add(keys.tenantQueues(shard, tenant)).list(),
          Args.of().add(now).add(options.peekQueues())
              .add(Double.toString(ThreadLocalRandom.current().nextDouble())).add(HEAD).list()));
    }
    List<List<DueQueue>> out = new ArrayList<>(tenants.size());
    for (Object reply : calls.isEmpty() ? List.of() : scripts.runPipelined(calls)) {
      List<Object> r = Replies.asList(reply);
      List<DueQueue> queues = new ArrayList<>();
      for (int i = 1; i + 1 < r.size(); i += 2) {
        queues.add(new DueQueue(Replies.asString(r.get(i)), Replies.asLong(r.get(i + 1))));
      }
      out.add(queues);
    }
    return out;
  }
}
