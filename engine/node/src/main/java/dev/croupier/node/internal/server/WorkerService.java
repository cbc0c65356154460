package dev.croupier.node.internal.server;

import dev.croupier.protocol.JobMessages;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.Outcome;
import dev.croupier.engine.Engine;
import dev.croupier.engine.spi.Leases;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.CompleteAck;
import dev.croupier.proto.v1.CompleteBatch;
import dev.croupier.proto.v1.CompleteBatchAck;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.FunctionRegistration;
import dev.croupier.proto.v1.FunctionsRegistered;
import dev.croupier.proto.v1.FunctionsUnregistered;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.HeartbeatAck;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.RegisterFunctions;
import dev.croupier.proto.v1.UnregisterFunctions;
import dev.croupier.protocol.Specs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What workers ask of a node: register functions, grant credits, heartbeat and complete jobs. */
final class WorkerService {

  private static final Logger log = LoggerFactory.getLogger(WorkerService.class);

  private final Engine engine;
  private final Leases leases;
  private final WorkerRegistry registry;
  private final FunctionQuota quota;

  WorkerService(Engine engine, Leases leases, WorkerRegistry registry, FunctionQuota quota) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.quota = Objects.requireNonNull(quota, "quota");
  }

  /**
   * Registers every function or none, within the token's quota of functions; blocks on Redis.
   */
  void register(Peer peer, long cid, RegisterFunctions req) {
    List<FunctionSpec> specs = new ArrayList<>();
    for (FunctionRegistration r : req.getFunctionsList()) {
      FunctionSpec spec;
      try {
        spec = Specs.fromProto(r.getSpec());
      } catch (IllegalArgumentException | InvalidRequestException e) {
        peer.sendError(cid, ErrorCode.INVALID_REQUEST, "function '" + r.getSpec().getName()
            + "': " + e.getMessage());
        return;
      }
      if (!peer.principal().mayServe(spec.name())) {
        peer.sendError(cid, ErrorCode.PERMISSION_DENIED,
            "this token may not serve function '" + spec.name() + "'");
        return;
      }
      specs.add(spec);
    }
    Set<String> added;
    try {
      added = quota.acquire(peer, specs.stream().map(FunctionSpec::name).toList());
    } catch (FunctionQuota.OverQuota e) {
      peer.sendError(cid, ErrorCode.RESOURCE_EXHAUSTED, e.getMessage());
      return;
    }
    boolean stored = false;
    try {
      stored = store(peer, cid, specs);
    } finally {
      if (!stored) {
        added.forEach(f -> quota.release(peer, f));
      }
    }
  }

  /** Stores the configs and serves them on {@code peer}; false (having answered) when refused. */
  private boolean store(Peer peer, long cid, List<FunctionSpec> specs) {
    for (FunctionSpec spec : specs) {
      try {
        engine.registerFunction(spec);
      } catch (InvalidRequestException e) {
        peer.sendError(cid, ErrorCode.CONFLICT, e.getMessage());
        return false;
      }
    }
    FunctionsRegistered.Builder done = FunctionsRegistered.newBuilder();
    for (FunctionSpec spec : specs) {
      // The engine's stored config is authoritative for lease timeouts of dispatched jobs.
      peer.functions().put(spec.name(), engine.function(spec.name()).orElse(spec));
      if (peer.channel().isActive()) {
        registry.add(peer, spec.name());
      }
      done.addFunctions(spec.name());
    }
    if (!peer.channel().isActive()) {
      forget(peer);
    }
    log.info("{} serves {}", peer, done.getFunctionsList());
    peer.send(Envelope.newBuilder().setCorrelationId(cid).setFunctionsRegistered(done).build());
    return true;
  }

  /** Stops serving every function of {@code peer} (it closed). */
  void forget(Peer peer) {
    for (String f : List.copyOf(peer.functions().keySet())) {
      stopServing(peer, f);
    }
  }

  private void stopServing(Peer peer, String function) {
    registry.remove(peer, function);
    peer.functions().remove(function);
    quota.release(peer, function);
  }

  void unregister(Peer peer, long cid, UnregisterFunctions req) {
    for (String f : req.getFunctionsList()) {
      stopServing(peer, f);
    }
    peer.send(Envelope.newBuilder().setCorrelationId(cid)
        .setFunctionsUnregistered(FunctionsUnregistered.newBuilder()
            .addAllFunctions(req.getFunctionsList()))
        .build());
  }

  /**
   * Adds credits. Credits for functions not registered here are refused with INVALID_REQUEST
   * when the frame carries a correlation id; without one (a notification) they are dropped, since
   * an Error with id 0 would close the connection, and a credit racing an unregister is harmless.
   */
  void credits(Peer peer, long cid, Credits req) {
    if (peer.draining()) {
      return;
    }
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Integer> e : req.getGrantsMap().entrySet()) {
      int n = e.getValue() < 0 ? WorkerRegistry.MAX_CREDITS : e.getValue();
      if (n > 0 && !registry.grant(peer, e.getKey(), n)) {
        unknown.add(e.getKey());
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    if (cid != 0) {
      peer.sendError(cid, ErrorCode.INVALID_REQUEST, "credits for function(s) " + unknown
          + ", not registered on this connection; register them first");
    } else {
      log.debug("{} granted credits for {}, not registered on this connection; dropped", peer, unknown);
    }
  }

  /** Stops dispatching to a worker that is leaving; its completions are still taken. */
  void goodbye(Peer peer) {
    peer.drain();
    registry.revokeCredits(peer);
    log.info("{} is leaving: no more dispatches to it", peer);
  }

  /** Extends leases; blocks on Redis. */
  void heartbeat(Peer peer, long cid, Heartbeat req) {
    List<Leases.Lease> refs = new ArrayList<>(req.getLeasesCount());
    for (LeaseRef ref : req.getLeasesList()) {
      refs.add(new Leases.Lease(ref.getJobId(), JobMessages.leaseToken(ref.getLeaseToken())));
    }
    HeartbeatAck.Builder ack = HeartbeatAck.newBuilder();
    for (CompletionResult r : leases.extendLeases(refs)) { // one flush for the whole heartbeat
      ack.addResults(JobMessages.result(r));
    }
    peer.send(Envelope.newBuilder().setCorrelationId(cid).setHeartbeatAck(ack).build());
  }

  /**
   * Records how several deliveries ended, together (one flush to Redis), each exactly as a
   * {@link #complete} of its own would; one reply with a result per entry, in order. An entry
   * naming no valid outcome refuses the whole batch before any of it is recorded. Does not
   * block: the reply goes when Redis has answered, from the engine's writer thread, and the
   * returned stage completes then (exceptionally when the write failed, unanswered).
   */
  CompletionStage<?> completeBatch(Peer peer, long cid, CompleteBatch req) {
    List<Leases.Completion> completions = new ArrayList<>(req.getCompletesCount());
    for (int i = 0; i < req.getCompletesCount(); i++) {
      Complete c = req.getCompletes(i);
      Outcome outcome;
      try {
        outcome = JobMessages.outcome(c);
      } catch (IllegalArgumentException e) {
        peer.sendError(cid, ErrorCode.INVALID_REQUEST, "CompleteBatch.completes[" + i + "]: "
            + e.getMessage() + "; no completion of this batch was recorded");
        return DONE;
      }
      completions.add(new Leases.Completion(c.getJobId(), JobMessages.leaseToken(c.getLeaseToken()),
          outcome));
    }
    CompletableFuture<List<CompletionResult>> results;
    try {
      results = leases.completeAllAsync(completions);
    } catch (InvalidRequestException e) {
      // A malformed job id: the engine refuses the batch before sending any of it.
      peer.sendError(cid, ErrorCode.INVALID_REQUEST, "CompleteBatch: " + e.getMessage()
          + "; no completion of this batch was recorded");
      return DONE;
    }
    return results.thenAccept(rs -> {
      CompleteBatchAck.Builder ack = CompleteBatchAck.newBuilder();
      for (int i = 0; i < rs.size(); i++) {
        forgetDispatch(peer, completions.get(i), rs.get(i));
        ack.addResults(JobMessages.result(rs.get(i)));
      }
      peer.send(Envelope.newBuilder().setCorrelationId(cid).setCompleteBatchAck(ack).build());
    });
  }

  /**
   * Records how a delivery ended; does not block (as {@link #completeBatch}). A malformed job id
   * or outcome is thrown, for the caller to answer.
   */
  CompletionStage<?> complete(Peer peer, long cid, Complete req) {
    Leases.Completion c = new Leases.Completion(req.getJobId(),
        JobMessages.leaseToken(req.getLeaseToken()), JobMessages.outcome(req));
    return leases.completeAllAsync(List.of(c)).thenAccept(rs -> {
      forgetDispatch(peer, c, rs.get(0));
      peer.send(Envelope.newBuilder().setCorrelationId(cid)
          .setCompleteAck(CompleteAck.newBuilder().setResult(JobMessages.result(rs.get(0)))).build());
    });
  }

  /** A job this connection held has ended: explain no longer says it runs here. */
  private static void forgetDispatch(Peer peer, Leases.Completion c, CompletionResult r) {
    if (r != CompletionResult.UNKNOWN_JOB) {
      peer.dispatchedAt().remove(c.jobId());
    }
  }

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
}
