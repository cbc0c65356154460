package dev.croupier.engine.internal.claim;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.KeyedLimit;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.FairnessMode;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.lease.LeaseTokens;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Claims through the scheduler script: one {@code claimJobs} call per shard and function takes
 * up to the credits given, for whichever tenants and queues are owed them (see
 * {@code lua/claimJobs-1.lua}). Many calls go out in one pipeline.
 */
public final class Claimer {

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;
  private final LeaseTokens leaseTokens = new LeaseTokens();

  /** A claimer running scripts through {@code scripts}. */
  public Claimer(ScriptRegistry scripts, KeySchema keys, EngineOptions options) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** One claim to make: up to {@code want} jobs of {@code spec} from {@code shard}. */
  public record Request(int shard, FunctionSpec spec, int want) {}

  /** Runs the claims in one round trip; results in request order. */
  public List<Replies.Claimed> claim(List<Request> requests, long now) {
    Batch batch = prepare(requests, now);
    return batch.results(scripts.runPipelined(batch.calls()));
  }

  /** Claims to send in a round trip of the caller's ({@link #claim} sends them in one of their own). */
  public Batch prepare(List<Request> requests, long now) {
    List<ScriptRegistry.Call> calls = new ArrayList<>(requests.size());
    List<String> tokens = new ArrayList<>(requests.size());
    for (Request r : requests) {
      String t = leaseTokens.next(r.want());
      tokens.add(t);
      calls.add(call(r, now, t));
    }
    return new Batch(List.copyOf(requests), now, List.copyOf(calls), List.copyOf(tokens));
  }

  /** Prepared claims: the calls to run, and what their replies mean. */
  public static final class Batch {
    private final List<Request> requests;
    private final long now;
    private final List<ScriptRegistry.Call> calls;
    private final List<String> tokens;

    private Batch(List<Request> requests, long now, List<ScriptRegistry.Call> calls, List<String> tokens) {
      this.requests = requests;
      this.now = now;
      this.calls = calls;
      this.tokens = tokens;
    }

    /** The script calls, one per request, in request order. */
    public List<ScriptRegistry.Call> calls() {
      return calls;
    }

    /** What the calls' replies (in order) leased. */
    public List<Replies.Claimed> results(List<Object> replies) {
      List<Replies.Claimed> out = new ArrayList<>(requests.size());
      for (int i = 0; i < requests.size(); i++) {
        out.add(result(i, replies.get(i)));
      }
      return out;
    }

    /** What call {@code i}'s reply leased. */
    public Replies.Claimed result(int i, Object reply) {
      Request r = requests.get(i);
      return Replies.claimed(reply, r.spec().name(),
          Instant.ofEpochMilli(now + r.spec().leaseTimeout().toMillis()), LeaseTokens.split(tokens.get(i)));
    }
  }

  private ScriptRegistry.Call call(Request r, long now, String tokens) {
    FunctionSpec spec = r.spec();
    Args a = Args.of().add(keys.prefix(r.shard())).add(spec.name()).add(now).add(r.want())
        .add(spec.leaseTimeout().toMillis()).add(spec.concurrencyLimit()).add(spec.perTenantLimit())
        .add(options.capacityBackoff().toMillis()).add(options.virtualTimeRetention().toMillis())
        .add(options.fairness() == FairnessMode.WEIGHTED ? 1 : 0).add(tokens).add(options.scriptBudgetMicros());
    for (KeyedLimit k : spec.keyedLimits()) {
      a.add(k.key()).add(k.limit());
    }
    return new ScriptRegistry.Call(Script.CLAIM_JOBS,
        Args.of().add(keys.ready(r.shard(), spec.name())).list(), a.list());
  }
}
