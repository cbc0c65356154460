package dev.croupier.node.internal.server;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobState;
import dev.croupier.api.Names;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.Reason;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.engine.Engine;
import dev.croupier.node.config.Principal;
import dev.croupier.node.config.Tokens;
import dev.croupier.proto.v1.DeadLetterPage;
import dev.croupier.proto.v1.DeadLettersDone;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Explain;
import dev.croupier.proto.v1.FunctionStatsList;
import dev.croupier.proto.v1.GetFunctionStats;
import dev.croupier.proto.v1.GetTenant;
import dev.croupier.proto.v1.GetTenantStats;
import dev.croupier.proto.v1.ListDeadLetters;
import dev.croupier.proto.v1.PurgeDeadLetters;
import dev.croupier.proto.v1.ReplayDeadLetters;
import dev.croupier.proto.v1.SetFunction;
import dev.croupier.proto.v1.SetTenant;
import dev.croupier.protocol.AdminMessages;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.Specs;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The admin and operations messages. An ADMIN token may send them all; a PRODUCER token may read
 * (stats, settings, dead letters, explain) the tenants in its scope and nothing else, and a job of
 * another tenant is answered NOT_FOUND exactly as a job that does not exist; a WORKER token none.
 * Every request checks the principal first, before reading anything.
 */
final class AdminService {

  private final Engine engine;
  private final WorkerRegistry registry;
  private final Supplier<Set<Peer>> peers;
  private final String nodeId;

  AdminService(Engine engine, WorkerRegistry registry, Supplier<Set<Peer>> peers, String nodeId) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.peers = Objects.requireNonNull(peers, "peers");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  // ---- permissions ----

  private static boolean isAdmin(Peer peer) {
    return peer.principal().role() == Principal.Role.ADMIN;
  }

  /** Whether the peer may read {@code tenant}'s stats, settings and dead letters. */
  private static boolean mayRead(Peer peer, String tenant) {
    return peer.principal().mayProduceFor(tenant);
  }

  private static boolean denyUnlessAdmin(Peer peer, long cid, String what) {
    if (isAdmin(peer)) {
      return false;
    }
    peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "only an ADMIN token may " + what);
    return true;
  }

  private static boolean denyUnlessReader(Peer peer, long cid, String tenant) {
    if (!peer.principal().isProducer()) {
      peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not read tenants");
      return true;
    }
    Names.requireTenant(tenant);
    if (!mayRead(peer, tenant)) {
      peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not read tenant '" + tenant + "'");
      return true;
    }
    return false;
  }

  // ---- tenants ----

  void tenantStats(Peer peer, long cid, GetTenantStats req) {
    if (!peer.principal().isProducer()) {
      peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not read tenants");
      return;
    }
    TenantStatsQuery query = AdminMessages.query(req);
    if (!isAdmin(peer)) {
      for (String t : query.tenants()) {
        if (!mayRead(peer, t)) {
          peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not read tenant '" + t + "'");
          return;
        }
      }
      Set<String> scope = peer.principal().scope();
      if (query.tenants().isEmpty() && !scope.contains(Tokens.ALL)) {
        query = query.only(scope);
      }
    }
    send(peer, cid, Envelope.newBuilder().setTenantStatsPage(AdminMessages.page(engine.tenantStats(query))));
  }

  void getTenant(Peer peer, long cid, GetTenant req) {
    if (denyUnlessReader(peer, cid, req.getTenant())) {
      return;
    }
    send(peer, cid, Envelope.newBuilder().setTenantSettings(
        AdminMessages.settings(engine.tenantConfig(req.getTenant()))));
  }

  void setTenant(Peer peer, long cid, SetTenant req) {
    if (denyUnlessAdmin(peer, cid, "change tenant settings")) {
      return;
    }
    TenantConfig now = engine.tenantConfig(req.getTenant());
    TenantConfig next = new TenantConfig(req.getTenant(),
        req.hasWeight() ? req.getWeight() : now.weight(),
        req.hasConcurrencyLimit() ? (int) Math.min(req.getConcurrencyLimit(), Integer.MAX_VALUE) : now.concurrencyLimit(),
        req.hasPaused() ? req.getPaused() : now.paused());
    engine.configureTenant(next);
    send(peer, cid, Envelope.newBuilder().setTenantSettings(AdminMessages.settings(next)));
  }

  // ---- functions ----

  void functionStats(Peer peer, long cid, GetFunctionStats req) {
    if (denyUnlessAdmin(peer, cid, "read function stats (they cover every tenant)")) {
      return;
    }
    Set<String> only = new HashSet<>(req.getFunctionsList());
    only.forEach(Names::requireFunction);
    send(peer, cid, Envelope.newBuilder().setFunctionStatsList(functions(only)));
  }

  void setFunction(Peer peer, long cid, SetFunction req) {
    if (denyUnlessAdmin(peer, cid, "change function settings")) {
      return;
    }
    String fn = Names.requireFunction(req.getFunction());
    if (req.hasSpec()) {
      FunctionSpec spec = Specs.fromProto(req.getSpec());
      if (!spec.name().equals(fn)) {
        peer.sendError(cid, ErrorCode.INVALID_REQUEST, "SetFunction.spec names function '" + spec.name()
            + "' but SetFunction.function is '" + fn + "'");
        return;
      }
      engine.configureFunction(spec);
    }
    if (req.hasPaused()) {
      if (req.getPaused()) {
        engine.pauseFunction(fn);
      } else {
        engine.resumeFunction(fn);
      }
    }
    send(peer, cid, Envelope.newBuilder().setFunctionStatsList(functions(Set.of(fn))));
  }

  /** Stats of the functions named (all when none), with this node's workers and credits. */
  private FunctionStatsList functions(Set<String> only) {
    FunctionStatsList.Builder out = FunctionStatsList.newBuilder();
    Set<String> seen = new HashSet<>();
    for (FunctionStats f : engine.functionStats()) {
      if (only.isEmpty() || only.contains(f.function())) {
        seen.add(f.function());
        long[] wc = registry.workersAndCredits(f.function());
        out.addFunctions(AdminMessages.function(f.withWorkers((int) wc[0], wc[1])));
      }
    }
    // Functions this node's workers registered are listed too, with or without work.
    Set<String> named = only.isEmpty() ? new java.util.TreeSet<>(registry.served()) : only;
    for (String fn : named) {
      if (!seen.contains(fn)) {
        // Named but neither configured nor with work: what is stored (a registration) or nothing.
        Optional<FunctionSpec> spec = engine.function(fn);
        long[] wc = registry.workersAndCredits(fn);
        out.addFunctions(AdminMessages.function(new FunctionStats(spec.orElse(FunctionSpec.newBuilder(fn).build()),
            spec.isPresent() ? FunctionStats.Registration.REGISTERED : FunctionStats.Registration.MISSING,
            engine.isFunctionPaused(fn), 0, 0, 0, (int) wc[0], wc[1])));
      }
    }
    return out.build();
  }

  // ---- dead letters ----

  void listDeadLetters(Peer peer, long cid, ListDeadLetters req) {
    if (denyUnlessReader(peer, cid, req.getTenant())) {
      return;
    }
    int limit = req.getLimit() == 0 ? AdminMessages.DEFAULT_LIMIT : (int) Math.min(req.getLimit(), Integer.MAX_VALUE);
    StatsPage<JobInfo> page = engine.deadLetters(req.getTenant(), req.getCursor(), limit);
    DeadLetterPage.Builder b = DeadLetterPage.newBuilder().setTotal(page.total())
        .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor());
    page.items().forEach(j -> b.addJobs(JobMessages.status(j)));
    send(peer, cid, Envelope.newBuilder().setDeadLetterPage(b));
  }

  void replayDeadLetters(Peer peer, long cid, ReplayDeadLetters req) {
    if (denyUnlessAdmin(peer, cid, "replay dead letters")) {
      return;
    }
    String tenant = Names.requireTenant(req.getTenant());
    long n = 0;
    if (req.getAll()) {
      n = engine.replayDeadLetters(tenant, req.getMax() == 0 ? Integer.MAX_VALUE : (int) Math.min(req.getMax(), Integer.MAX_VALUE));
    } else {
      for (String id : ids(req.getJobIdsList())) {
        if (deadOf(tenant, id) && engine.replay(id)) {
          n++;
        }
      }
    }
    send(peer, cid, Envelope.newBuilder().setDeadLettersDone(DeadLettersDone.newBuilder().setCount(n)));
  }

  void purgeDeadLetters(Peer peer, long cid, PurgeDeadLetters req) {
    if (denyUnlessAdmin(peer, cid, "purge dead letters")) {
      return;
    }
    String tenant = Names.requireTenant(req.getTenant());
    long n = 0;
    if (req.getAll()) {
      n = engine.purgeDeadLetters(tenant);
    } else {
      for (String id : ids(req.getJobIdsList())) {
        if (deadOf(tenant, id) && engine.purgeDeadLetter(id)) {
          n++;
        }
      }
    }
    send(peer, cid, Envelope.newBuilder().setDeadLettersDone(DeadLettersDone.newBuilder().setCount(n)));
  }

  private static List<String> ids(List<String> ids) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("name the dead jobs (job_ids), or set all");
    }
    for (String id : ids) {
      if (!ProducerService.isPlausibleId(id)) {
        throw new IllegalArgumentException("job id must have 1-" + ProducerService.MAX_JOB_ID_LENGTH
            + " characters: length " + id.length());
      }
    }
    return ids;
  }

  /** Whether {@code id} is a dead job of {@code tenant} (ids of other tenants are skipped). */
  private boolean deadOf(String tenant, String id) {
    try {
      return engine.lookup(id).filter(j -> tenant.equals(j.tenant()) && j.state() == JobState.DEAD).isPresent();
    } catch (dev.croupier.api.InvalidRequestException e) {
      return false; // not a job id of this deployment
    }
  }

  // ---- jobs ----

  void explain(Peer peer, long cid, Explain req) {
    if (!peer.principal().isProducer()) {
      peer.sendError(cid, ErrorCode.PERMISSION_DENIED, "this token may not query jobs");
      return;
    }
    String id = req.getJobId();
    if (!ProducerService.isPlausibleId(id)) {
      peer.sendError(cid, ErrorCode.INVALID_REQUEST, "job id must have 1-" + ProducerService.MAX_JOB_ID_LENGTH
          + " characters: length " + id.length());
      return;
    }
    Optional<Explanation> e;
    try {
      e = engine.explain(id).filter(x -> x.tenant() != null && mayRead(peer, x.tenant()));
    } catch (dev.croupier.api.InvalidRequestException bad) {
      e = Optional.empty(); // not a job id of this deployment: as unknown
    }
    if (e.isEmpty()) {
      peer.sendError(cid, ErrorCode.NOT_FOUND, "no job " + id);
      return;
    }
    send(peer, cid, Envelope.newBuilder().setExplanation(AdminMessages.explanation(local(e.get()))));
  }

  /** A running job dispatched by this node: names its worker, this node and when it was sent. */
  private Explanation local(Explanation e) {
    if (!(e.reason() instanceof Reason.Running r)) {
      return e;
    }
    for (Peer p : peers.get()) {
      Long at = p.dispatchedAt().get(e.jobId());
      if (at != null) {
        return new Explanation(e.jobId(), e.tenant(), e.function(), e.state(), new Reason.Running(
            Instant.ofEpochMilli(at), r.leaseDeadline(), r.attempt(), p.name(), nodeId));
      }
    }
    return e;
  }

  private static void send(Peer peer, long cid, Envelope.Builder reply) {
    peer.send(reply.setCorrelationId(cid).build());
  }
}
