package dev.croupier.worker;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.Names;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.FunctionStats;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.api.admin.TenantStats;
import dev.croupier.api.admin.TenantStatsQuery;
import dev.croupier.proto.v1.DeadLetterPage;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Explain;
import dev.croupier.proto.v1.GetFunctionStats;
import dev.croupier.proto.v1.GetTenant;
import dev.croupier.proto.v1.ListDeadLetters;
import dev.croupier.proto.v1.PurgeDeadLetters;
import dev.croupier.proto.v1.ReplayDeadLetters;
import dev.croupier.proto.v1.Role;
import dev.croupier.proto.v1.SetFunction;
import dev.croupier.proto.v1.SetTenant;
import dev.croupier.protocol.AdminMessages;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.ServerException;
import dev.croupier.protocol.Specs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's connection to Croupier: per-tenant and per-function stats, tenant and function
 * settings, dead letters, and why a job waits. It talks the admin messages of the wire protocol
 * over the same connection code, failover and retries as {@link CroupierClient}. An ADMIN token
 * may do everything; a PRODUCER token may read the tenants in its scope (the node answers
 * anything else with {@code PERMISSION_DENIED}, and other tenants' jobs as not found). Thread-safe.
 */
public final class CroupierAdmin implements AutoCloseable {

  private final CroupierClient client;

  private CroupierAdmin(CroupierClient client) {
    this.client = client;
  }

  /** Connects to the first node that answers; throws {@link ServerException} if none does. */
  public static CroupierAdmin connect(ClientOptions options) {
    return new CroupierAdmin(CroupierClient.connect(options, Role.ROLE_ADMIN));
  }

  /**
   * A change of a tenant's plan: the fields that are not null are set, the others kept.
   *
   * @param tenant the tenant
   * @param weight its new weight, or null
   * @param concurrencyLimit its new concurrency limit (0 = unlimited), or null
   * @param paused pause (true) or resume (false) it, or null
   */
  public record TenantChange(String tenant, Double weight, Integer concurrencyLimit, Boolean paused) {
    /** Validates the tenant name. */
    public TenantChange {
      Names.requireTenant(tenant);
    }
  }

  // ---- tenants ----

  /** One page of per-tenant stats. */
  public StatsPage<TenantStats> tenantStats(TenantStatsQuery query) {
    return AdminMessages.page(call(Envelope.newBuilder().setGetTenantStats(AdminMessages.query(query)))
        .getTenantStatsPage());
  }

  /** A tenant's plan. */
  public TenantConfig tenant(String tenant) {
    return AdminMessages.config(call(Envelope.newBuilder().setGetTenant(GetTenant.newBuilder().setTenant(tenant)))
        .getTenantSettings());
  }

  /** Changes a tenant's plan; returns the plan now stored. */
  public TenantConfig changeTenant(TenantChange change) {
    SetTenant.Builder b = SetTenant.newBuilder().setTenant(change.tenant());
    if (change.weight() != null) {
      b.setWeight(change.weight());
    }
    if (change.concurrencyLimit() != null) {
      if (change.concurrencyLimit() < 0) {
        throw new IllegalArgumentException("concurrency limit must not be negative: " + change.concurrencyLimit());
      }
      b.setConcurrencyLimit(change.concurrencyLimit());
    }
    if (change.paused() != null) {
      b.setPaused(change.paused());
    }
    return AdminMessages.config(call(Envelope.newBuilder().setSetTenant(b)).getTenantSettings());
  }

  // ---- functions ----

  /** Stats of the named functions, or of every known function when none is named. */
  public List<FunctionStats> functionStats(Collection<String> only) {
    List<FunctionStats> out = new ArrayList<>();
    call(Envelope.newBuilder().setGetFunctionStats(GetFunctionStats.newBuilder().addAllFunctions(only)))
        .getFunctionStatsList().getFunctionsList().forEach(f -> out.add(AdminMessages.function(f)));
    return out;
  }

  /** One function's stats (its registration is MISSING when no config is stored). */
  public FunctionStats function(String function) {
    return functionStats(List.of(Names.requireFunction(function))).get(0);
  }

  /** Replaces a function's config; returns its stats. */
  public FunctionStats configureFunction(FunctionSpec spec) {
    return setFunction(SetFunction.newBuilder().setFunction(spec.name()).setSpec(Specs.toProto(spec)));
  }

  /** Pauses or resumes a function for every tenant; returns its stats. */
  public FunctionStats pauseFunction(String function, boolean paused) {
    return setFunction(SetFunction.newBuilder().setFunction(Names.requireFunction(function)).setPaused(paused));
  }

  private FunctionStats setFunction(SetFunction.Builder b) {
    return AdminMessages.function(call(Envelope.newBuilder().setSetFunction(b)).getFunctionStatsList().getFunctions(0));
  }

  // ---- dead letters ----

  /** One page of the tenant's dead jobs, oldest death first ({@code cursor} null for the first). */
  public StatsPage<JobInfo> deadLetters(String tenant, String cursor, int limit) {
    DeadLetterPage p = call(Envelope.newBuilder().setListDeadLetters(ListDeadLetters.newBuilder()
        .setTenant(tenant).setLimit(limit).setCursor(cursor == null ? "" : cursor))).getDeadLetterPage();
    List<JobInfo> jobs = new ArrayList<>(p.getJobsCount());
    p.getJobsList().forEach(j -> jobs.add(JobMessages.info(j)));
    return new StatsPage<>(jobs, p.getNextCursor().isEmpty() ? null : p.getNextCursor(), p.getTotal());
  }

  /** Replays the listed dead jobs of the tenant; returns how many were dead and replayed. */
  public long replay(String tenant, List<String> jobIds) {
    return call(Envelope.newBuilder().setReplayDeadLetters(ReplayDeadLetters.newBuilder().setTenant(tenant)
        .addAllJobIds(jobIds))).getDeadLettersDone().getCount();
  }

  /** Replays up to {@code max} (0 = all) of the tenant's dead jobs, oldest first. */
  public long replayAll(String tenant, int max) {
    return call(Envelope.newBuilder().setReplayDeadLetters(ReplayDeadLetters.newBuilder().setTenant(tenant)
        .setAll(true).setMax(max))).getDeadLettersDone().getCount();
  }

  /** Deletes the listed dead jobs of the tenant; returns how many were dead and deleted. */
  public long purge(String tenant, List<String> jobIds) {
    return call(Envelope.newBuilder().setPurgeDeadLetters(PurgeDeadLetters.newBuilder().setTenant(tenant)
        .addAllJobIds(jobIds))).getDeadLettersDone().getCount();
  }

  /** Deletes every dead job of the tenant. */
  public long purgeAll(String tenant) {
    return call(Envelope.newBuilder().setPurgeDeadLetters(PurgeDeadLetters.newBuilder().setTenant(tenant)
        .setAll(true))).getDeadLettersDone().getCount();
  }

  // ---- jobs ----

  /** Why the job is where it is; empty when it does not exist (or this token may not see it). */
  public Optional<Explanation> explain(String jobId) {
    try {
      return Optional.of(AdminMessages.explanation(call(Envelope.newBuilder()
          .setExplain(Explain.newBuilder().setJobId(jobId))).getExplanation()));
    } catch (ServerException e) {
      if (e.code().equals("NOT_FOUND")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The job's status; empty when it does not exist (or this token may not see it). */
  public Optional<JobInfo> lookup(String jobId) {
    return client.lookup(jobId);
  }

  /** Cancels a job; false when it already finished or this token may not see it. */
  public boolean cancel(String jobId) {
    return client.cancel(jobId);
  }

  private Envelope call(Envelope.Builder request) {
    Objects.requireNonNull(request, "request");
    return CroupierClient.await(client.request(request));
  }

  /** Closes the connection. */
  @Override
  public void close() {
    client.close();
  }
}
