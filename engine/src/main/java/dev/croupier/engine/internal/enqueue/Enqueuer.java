package dev.croupier.engine.internal.enqueue;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.Names;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.EnqueueOptions;
import dev.croupier.engine.EnqueueRequest;
import dev.croupier.engine.EnqueueResult;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.JobIds;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates enqueue requests and writes them with the {@code enqueueJob} script: one script call
 * per job, a batch pipelined in one round trip.
 */
public final class Enqueuer {

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final ConfigStore config;
  private final EngineOptions options;
  private final JobIds ids = new JobIds();

  /** An enqueuer writing through {@code scripts}. */
  public Enqueuer(ScriptRegistry scripts, KeySchema keys, ConfigStore config, EngineOptions options) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Enqueues every request in one round trip; results are in request order. */
  public List<EnqueueResult> enqueue(List<EnqueueRequest> requests) {
    long now = options.clock().millis();
    List<ScriptRegistry.Call> calls = new ArrayList<>(requests.size());
    for (EnqueueRequest r : requests) {
      calls.add(call(r, now));
    }
    List<Object> replies = calls.size() == 1
        ? List.of(scripts.run(calls.get(0).script(), calls.get(0).keys(), calls.get(0).args()))
        : scripts.runPipelined(calls);
    List<EnqueueResult> out = new ArrayList<>(replies.size());
    for (Object reply : replies) {
      List<Object> r = Replies.asList(reply);
      out.add(new EnqueueResult(Replies.asString(r.get(0)), Replies.asLong(r.get(1)) == 1));
    }
    return out;
  }

  private ScriptRegistry.Call call(EnqueueRequest r, long now) {
    String tenant = Names.requireTenant(r.tenant());
    FunctionSpec spec = config.requireFunction(Names.requireFunction(r.function()));
    if (r.payload().length > options.maxPayloadBytes()) {
      throw new InvalidRequestException("payload of " + r.payload().length + " bytes is over the limit of "
          + options.maxPayloadBytes() + " bytes; store large data elsewhere and enqueue a reference");
    }
    EnqueueOptions o = r.options();
    checkKeys(spec, o.concurrencyKeys());
    long runAt = o.runAt() != null ? o.runAt().toEpochMilli() : now + o.delay().toMillis();
    // Priority orders due work only: a delayed job keeps its run-at as its score, so it never runs early.
    long score = runAt <= now ? runAt - o.priority().toMillis() : runAt;
    int maxAttempts = o.maxAttempts() > 0 ? o.maxAttempts() : spec.retry().maxAttempts();
    int shard = keys.shardOf(tenant);
    String id = ids.next(shard, now);
    KeyedLimit queueKey = spec.queueKey();
    String qid = keys.queueId(tenant, spec.name(),
        queueKey == null ? null : o.concurrencyKeys().get(queueKey.key()));

    StringBuilder keyed = new StringBuilder();
    for (KeyedLimit k : spec.keyedLimits()) {
      keyed.append(KeySchema.keySlots(spec.name(), k.key(), o.concurrencyKeys().get(k.key()))).append('\n');
    }
    long idemWindow = o.idempotencyKey() == null ? 0 : options.idempotencyWindow().toMillis();
    String idemKey = o.idempotencyKey() == null
        ? keys.job(shard, id) : keys.idempotency(shard, tenant, o.idempotencyKey());

    Args k = Args.of().add(keys.job(shard, id)).add(keys.queue(shard, qid))
        .add(keys.tenantQueues(shard, tenant)).add(keys.tenants(shard)).add(keys.queues(shard))
        .add(idemKey);
    Args a = Args.of().add(keys.prefix(shard)).add(id).add(tenant).add(spec.name()).add(qid)
        .add(r.payload()).add(maxAttempts).add(runAt).add(score).add(now).add(idemWindow)
        .add(keyed.toString());
    for (Map.Entry<String, String> e : o.concurrencyKeys().entrySet()) {
      a.add(e.getKey()).add(e.getValue());
    }
    return new ScriptRegistry.Call(Script.ENQUEUE_JOB, k.list(), a.list());
  }

  private static void checkKeys(FunctionSpec spec, Map<String, String> given) {
    for (KeyedLimit k : spec.keyedLimits()) {
      if (!given.containsKey(k.key())) {
        throw new InvalidRequestException("function '" + spec.name() + "' has a concurrency limit per '"
            + k.key() + "': give a value for it in the enqueue options");
      }
    }
    for (String name : given.keySet()) {
      if (spec.keyedLimits().stream().noneMatch(k -> k.key().equals(name))) {
        throw new InvalidRequestException("function '" + spec.name() + "' declares no concurrency key '"
            + name + "' (it declares " + spec.keyedLimits().stream().map(KeyedLimit::key).toList() + ")");
      }
    }
  }
}
