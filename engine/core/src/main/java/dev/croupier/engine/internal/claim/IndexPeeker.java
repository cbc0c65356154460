package dev.croupier.engine.internal.claim;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Replies.DueQueue;
import dev.croupier.engine.internal.script.Replies.TenantPeek;
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

  /** Up to {@code limit} due tenants of a shard (see {@link TenantPeek}). */
  TenantPeek tenants(int shard, long now, int limit) {
    return Replies.tenantPeek(scripts.run(Script.PEEK_TENANTS,
        Args.of().add(keys.tenants(shard)).add(keys.usage(shard)).list(),
        Args.of().add(keys.prefix(shard)).add(now).add(limit)
            .add(Double.toString(ThreadLocalRandom.current().nextDouble())).add(HEAD)
            .add(options.usageHalfLife().toMillis()).list()));
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
      out.add(Replies.dueQueues(reply));
    }
    return out;
  }
}
