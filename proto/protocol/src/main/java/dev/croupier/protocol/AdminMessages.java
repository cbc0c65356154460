package dev.croupier.protocol;

import dev.croupier.api.JobState;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.Reason;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.proto.v1.ExplainReason;
import dev.croupier.proto.v1.FunctionStatsItem;
import dev.croupier.proto.v1.GetTenantStats;
import dev.croupier.proto.v1.Registration;
import dev.croupier.proto.v1.TenantSettings;
import dev.croupier.proto.v1.TenantStatsItem;
import dev.croupier.proto.v1.TenantStatsPage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The mapping between the admin messages and the API's admin records, both ways. */
public final class AdminMessages {

  /** Page size when a request leaves it 0. */
  public static final int DEFAULT_LIMIT = 100;

  private AdminMessages() {}

  // ---- tenants ----

  public static TenantSettings settings(TenantConfig c) {
    return TenantSettings.newBuilder().setTenant(c.tenant()).setWeight(c.weight())
        .setConcurrencyLimit(c.concurrencyLimit()).setPaused(c.paused()).build();
  }

  public static TenantConfig config(TenantSettings s) {
    return new TenantConfig(s.getTenant(), s.getWeight(), s.getConcurrencyLimit(), s.getPaused());
  }

  public static GetTenantStats query(TenantStatsQuery q) {
    return GetTenantStats.newBuilder().setSort(GetTenantStats.Sort.valueOf(q.sort().name()))
        .setLimit(q.limit()).setCursor(q.cursor() == null ? "" : q.cursor())
        .addAllTenants(q.tenants()).build();
  }

  /** The query a request asks for; throws IllegalArgumentException for a bad one. */
  public static TenantStatsQuery query(GetTenantStats g) {
    TenantStatsQuery.Sort sort = switch (g.getSort()) {
      case BY_BACKLOG -> TenantStatsQuery.Sort.BY_BACKLOG;
      case BY_SHARE_DEFICIT -> TenantStatsQuery.Sort.BY_SHARE_DEFICIT;
      case BY_NAME -> TenantStatsQuery.Sort.BY_NAME;
      default -> throw new IllegalArgumentException("unknown sort " + g.getSortValue());
    };
    int limit = g.getLimit() == 0 ? DEFAULT_LIMIT : (int) Math.min(g.getLimit(), Integer.MAX_VALUE);
    return new TenantStatsQuery(sort, limit, g.getCursor(), new LinkedHashSet<>(g.getTenantsList()));
  }

  public static TenantStatsPage page(StatsPage<TenantStats> page) {
    TenantStatsPage.Builder b = TenantStatsPage.newBuilder()
        .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()).setTotal(page.total());
    for (TenantStats t : page.items()) {
      TenantStatsItem.Builder i = TenantStatsItem.newBuilder().setSettings(settings(t.config()))
          .setQueued(t.queued()).setDue(t.due()).setDelayed(t.delayed()).setRunning(t.running())
          .setDead(t.dead()).setServedShare(t.servedShare()).setWeightShare(t.weightShare());
      if (t.waitP50() != null) {
        i.setHasWaits(true).setWaitP50Ms(t.waitP50().toMillis()).setWaitP99Ms(t.waitP99().toMillis());
      }
      b.addTenants(i);
    }
    return b.build();
  }

  public static StatsPage<TenantStats> page(TenantStatsPage p) {
    List<TenantStats> items = new ArrayList<>(p.getTenantsCount());
    for (TenantStatsItem i : p.getTenantsList()) {
      items.add(new TenantStats(config(i.getSettings()), i.getQueued(), i.getDue(), i.getDelayed(),
          i.getRunning(), i.getDead(), i.getServedShare(), i.getWeightShare(),
          i.getHasWaits() ? Duration.ofMillis(i.getWaitP50Ms()) : null,
          i.getHasWaits() ? Duration.ofMillis(i.getWaitP99Ms()) : null));
    }
    return new StatsPage<>(items, p.getNextCursor().isEmpty() ? null : p.getNextCursor(), p.getTotal());
  }

  // ---- functions ----

  public static FunctionStatsItem function(FunctionStats f) {
    return FunctionStatsItem.newBuilder().setSpec(Specs.toProto(f.spec()))
        .setRegistration(Registration.valueOf(f.registration().name())).setPaused(f.paused())
        .setQueued(f.queued()).setRunning(f.running()).setDead(f.dead()).setWorkers(f.workers())
        .setFreeCredits(f.freeCredits()).build();
  }

  public static FunctionStats function(FunctionStatsItem i) {
    FunctionStats.Registration reg = switch (i.getRegistration()) {
      case CONFIGURED -> FunctionStats.Registration.CONFIGURED;
      case REGISTERED -> FunctionStats.Registration.REGISTERED;
      default -> FunctionStats.Registration.MISSING;
    };
    return new FunctionStats(Specs.fromProto(i.getSpec()), reg, i.getPaused(), i.getQueued(), i.getRunning(),
        i.getDead(), i.getWorkers(), i.getFreeCredits());
  }

  // ---- explain ----

  public static dev.croupier.proto.v1.Explanation explanation(Explanation e) {
    dev.croupier.proto.v1.Explanation.Builder b = dev.croupier.proto.v1.Explanation.newBuilder()
        .setJobId(e.jobId()).setTenant(nz(e.tenant())).setFunction(nz(e.function()))
        .setState(dev.croupier.proto.v1.JobState.valueOf(e.state().name())).setReason(ExplainReason.forNumber(e.reason().kind().number()))
        .setMessage(e.message());
    switch (e.reason()) {
      case Reason.TenantPaused r -> b.setSubject(r.tenant());
      case Reason.FunctionPaused r -> b.setSubject(r.function());
      case Reason.Delayed r -> b.setAtMs(r.until().toEpochMilli());
      case Reason.BackingOff r -> b.setAtMs(r.until().toEpochMilli()).setAttempt(r.attempt())
          .setLastError(nz(r.lastError()));
      case Reason.ConcurrencyKeyAtLimit r -> b.setKey(r.key()).setValue(nz(r.value())).setInUse(r.inUse())
          .setLimit(r.limit());
      case Reason.FunctionAtLimit r -> b.setSubject(r.function()).setInUse(r.inUse()).setLimit(r.limit());
      case Reason.TenantAtLimit r -> b.setSubject(r.tenant()).setInUse(r.inUse()).setLimit(r.limit());
      case Reason.TenantFunctionAtLimit r -> b.setSubject(r.function()).setInUse(r.inUse()).setLimit(r.limit());
      case Reason.NoWorker r -> b.setSubject(r.function()).setRegistered(r.registered())
          .setStalledForMs(r.stalledFor().toMillis());
      case Reason.WaitingFairTurn r -> {
        b.setPosition(r.position()).setReadyTenants(r.readyTenants()).setJobsAhead(r.jobsAhead());
        if (r.estimate() != null) {
          b.setHasEstimate(true).setEstimateMs(r.estimate().toMillis());
        }
      }
      case Reason.Running r -> b.setSinceMs(r.since() == null ? 0 : r.since().toEpochMilli())
          .setLeaseDeadlineMs(r.leaseDeadline().toEpochMilli()).setAttempt(r.attempt())
          .setWorker(nz(r.worker())).setNode(nz(r.node()));
      case Reason.Finished r -> b.setAtMs(r.at().toEpochMilli());
      case Reason.Dead r -> b.setAtMs(r.at().toEpochMilli()).setAttempt(r.attempts())
          .setLastError(nz(r.lastError()));
    }
    return b.build();
  }

  public static Explanation explanation(dev.croupier.proto.v1.Explanation p) {
    Reason.Kind kind = Reason.Kind.of(p.getReasonValue());
    Reason reason = switch (kind) {
      case TENANT_PAUSED -> new Reason.TenantPaused(p.getSubject());
      case FUNCTION_PAUSED -> new Reason.FunctionPaused(p.getSubject());
      case DELAYED -> new Reason.Delayed(Instant.ofEpochMilli(p.getAtMs()));
      case BACKING_OFF -> new Reason.BackingOff(Instant.ofEpochMilli(p.getAtMs()), p.getAttempt(), p.getLastError());
      case CONCURRENCY_KEY_AT_LIMIT -> new Reason.ConcurrencyKeyAtLimit(p.getKey(), p.getValue(), p.getInUse(),
          p.getLimit());
      case FUNCTION_AT_LIMIT -> new Reason.FunctionAtLimit(p.getSubject(), p.getInUse(), p.getLimit());
      case TENANT_AT_LIMIT -> new Reason.TenantAtLimit(p.getSubject(), p.getInUse(), p.getLimit());
      case TENANT_FUNCTION_AT_LIMIT -> new Reason.TenantFunctionAtLimit(p.getTenant(), p.getSubject(),
          p.getInUse(), p.getLimit());
      case NO_WORKER -> new Reason.NoWorker(p.getSubject(), p.getRegistered(), Duration.ofMillis(p.getStalledForMs()));
      case WAITING_FAIR_TURN -> new Reason.WaitingFairTurn(p.getPosition(), p.getReadyTenants(), p.getJobsAhead(),
          p.getHasEstimate() ? Duration.ofMillis(p.getEstimateMs()) : null);
      case RUNNING -> new Reason.Running(p.getSinceMs() == 0 ? null : Instant.ofEpochMilli(p.getSinceMs()),
          Instant.ofEpochMilli(p.getLeaseDeadlineMs()), p.getAttempt(), en(p.getWorker()), en(p.getNode()));
      case SUCCEEDED, CANCELLED -> new Reason.Finished(kind, Instant.ofEpochMilli(p.getAtMs()));
      case DEAD -> new Reason.Dead(Instant.ofEpochMilli(p.getAtMs()), p.getAttempt(), p.getLastError());
    };
    if (p.getState() == dev.croupier.proto.v1.JobState.JOB_STATE_UNSPECIFIED
        || p.getState() == dev.croupier.proto.v1.JobState.UNRECOGNIZED) {
      throw new IllegalArgumentException("the node sent a job state this client does not know ("
          + p.getStateValue() + "); upgrade the client");
    }
    JobState state = JobState.valueOf(p.getState().name());
    return new Explanation(p.getJobId(), en(p.getTenant()), en(p.getFunction()), state, reason);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String en(String s) {
    return s.isEmpty() ? null : s;
  }
}
