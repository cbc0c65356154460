package dev.croupier.engine.internal.claim;

import dev.croupier.engine.spi.Leases;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.KeyedLimit;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Args;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import dev.croupier.engine.internal.script.Script;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Claims jobs from virtual queues: partition lease, batched job lease, release. The three
 * scripts go to Redis in one pipeline, and a claim round pipelines the claims of all the tenants
 * it serves, so a round costs one round trip for its claims; each script is atomic,
 * and the job lease and the release check the partition lease token, so a claim that lost the
 * partition to another node takes nothing.
 */
public final class PartitionClaimer {

  /** How a claim ended. */
  public enum Status {
    /** Jobs were leased (maybe fewer than asked). */
    LEASED,
    /** Another claimer holds the partition. */
    CONFLICT,
    /** A concurrency limit is reached: the queue is held back until a slot frees. */
    AT_CAPACITY,
    /** Nothing due (the index was stale). */
    EMPTY
  }

  /** The jobs a claim leased, and how it ended. */
  public record Result(Status status, List<LeasedJob> jobs) {}

  private final ScriptRegistry scripts;
  private final KeySchema keys;
  private final EngineOptions options;

  /** A claimer running {@code scripts}. */
  public PartitionClaimer(ScriptRegistry scripts, KeySchema keys, EngineOptions options) {
    this.scripts = scripts;
    this.keys = keys;
    this.options = options;
  }

  /** Leases up to {@code max} due jobs from queue {@code queueId} of {@code shard}. */
  public Result claim(int shard, String queueId, FunctionSpec spec, TenantSettings tenantSettings, int max) {
    return claimAll(List.of(prepare(shard, queueId, spec, tenantSettings, max))).get(0);
  }

  /** Runs several prepared claims in one round trip, in order; results are in the same order. */
  public List<Result> claimAll(List<Prepared> claims) {
    List<ScriptRegistry.Call> calls = new ArrayList<>(claims.size() * 3);
    for (Prepared p : claims) {
      calls.addAll(p.calls);
    }
    List<Object> replies = scripts.runPipelined(calls);
    List<Result> out = new ArrayList<>(claims.size());
    for (int i = 0; i < claims.size(); i++) {
      out.add(claims.get(i).parse(replies.get(3 * i), replies.get(3 * i + 1)));
    }
    return out;
  }

  /** A claim ready to send: its three script calls and how to read their replies. */
  public final class Prepared {
    private final List<ScriptRegistry.Call> calls;
    private final String tenant;
    private final FunctionSpec spec;
    private final long now;

    private Prepared(List<ScriptRegistry.Call> calls, String tenant, FunctionSpec spec, long now) {
      this.calls = calls;
      this.tenant = tenant;
      this.spec = spec;
      this.now = now;
    }

    private Result parse(Object leaseReply, Object jobsReply) {
      Status partition = status(Replies.code(leaseReply));
      if (partition != Status.LEASED) {
        return new Result(partition, List.of());
      }
      Instant deadline = Instant.ofEpochMilli(now + spec.leaseTimeout().toMillis());
      Replies.LeasedJobs leased = Replies.leasedJobs(jobsReply, tenant, spec.name(), deadline);
      if (leased.code() != ReplyCode.OK) {
        return new Result(status(leased.code()), List.of());
      }
      return new Result(leased.jobs().isEmpty() ? Status.EMPTY : Status.LEASED, leased.jobs());
    }
  }

  /** How a claim ends when leasePartition or leaseJobs replies {@code code}. */
  private static Status status(ReplyCode code) {
    return switch (code) {
      case OK -> Status.LEASED;
      case NOT_HOLDER -> Status.CONFLICT;
      case AT_CAPACITY -> Status.AT_CAPACITY;
      case EMPTY, NOT_DUE -> Status.EMPTY;
      default -> throw new IllegalStateException("unexpected reply to a claim: " + code);
    };
  }

  /** Builds the claim of up to {@code max} due jobs from queue {@code queueId} of {@code shard}. */
  public Prepared prepare(int shard, String queueId, FunctionSpec spec, TenantSettings tenantSettings, int max) {
    long now = options.clock().millis();
    String tenant = KeySchema.tenantOfQueue(queueId);
    String token = UUID.randomUUID().toString();
    String prefix = keys.prefix(shard);

    KeyedLimit queueKey = spec.queueKey();
    String keyToken = KeySchema.keyTokenOfQueue(queueId);
    long[] limits = {spec.concurrencyLimit(), spec.perTenantLimit(), tenantSettings.concurrencyLimit(),
        queueKey == null || keyToken == null ? 0 : queueKey.limit()};
    String[] suffixes = {KeySchema.functionSlots(spec.name()),
        KeySchema.tenantFunctionSlots(tenant, spec.name()), KeySchema.tenantSlots(tenant),
        queueKey == null || keyToken == null ? KeySchema.NO_SLOTS
            : KeySchema.keySlotsByToken(spec.name(), queueKey.key(), keyToken)};

    String lease = keys.partitionLease(shard, queueId);
    String queue = keys.queue(shard, queueId);
    long backoff = options.capacityBackoff().toMillis();

    Args leaseArgs = withLimits(Args.of().add(prefix).add(token).add(now)
        .add(options.partitionLease().toMillis()).add(queueId).add(tenant).add(backoff), limits, suffixes);
    Args jobArgs = withLimits(Args.of().add(prefix).add(token).add(now).add(max)
        .add(spec.leaseTimeout().toMillis()), limits, suffixes);
    for (KeyedLimit k : spec.keyedLimits()) {
      jobArgs.add(k.limit());
    }
    Args releaseArgs = withLimits(Args.of().add(prefix).add(token).add(now).add(queueId).add(tenant)
        .add(backoff), limits, suffixes);
    return new Prepared(List.of(
        new ScriptRegistry.Call(Script.LEASE_PARTITION, Args.of().add(lease).add(queue).list(),
            leaseArgs.list()),
        new ScriptRegistry.Call(Script.LEASE_JOBS,
            Args.of().add(lease).add(queue).add(keys.inflight(shard)).list(), jobArgs.list()),
        new ScriptRegistry.Call(Script.RELEASE_PARTITION,
            Args.of().add(lease).add(queue).list(), releaseArgs.list())),
        tenant, spec, now);
  }

  private static Args withLimits(Args a, long[] limits, String[] suffixes) {
    for (long l : limits) {
      a.add(l);
    }
    for (String s : suffixes) {
      a.add(s);
    }
    return a;
  }
}
