package dev.croupier.node.internal.dashboard;

import dev.croupier.api.JobInfo;
import dev.croupier.api.admin.StatsPage;
import dev.croupier.engine.Engine;
import java.util.List;
import java.util.Objects;

/** {@code /api/dead-letters}: a tenant's dead jobs a page at a time, replay and purge. */
final class DeadLettersApi {

  /** Most dead letters one page lists. */
  static final int MAX_LIMIT = 500;
  /** Most dead letters one replay-all request puts back by default. */
  static final int DEFAULT_REPLAY_MAX = 10_000;

  private final Engine engine;

  DeadLettersApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** A page of the tenant's dead jobs, oldest death first. */
  Object list(AdminRequest req) {
    String tenant = tenant(req);
    int limit = Params.intParam(req, "limit", 50, 1, MAX_LIMIT);
    String cursor = req.param("cursor", null);
    if (cursor != null && cursor.length() > TenantsApi.MAX_CURSOR) {
      throw ApiException.badRequest("cursor is too long: pass the nextCursor of the previous page");
    }
    StatsPage<JobInfo> page = engine.deadLetters(tenant, cursor, limit);
    return new DeadLetters(tenant, page.total(), page.nextCursor(),
        page.items().stream().map(Views.Job::of).toList());
  }

  /** Replays one dead job. */
  Views.Done replay(String jobId) {
    boolean replayed = engine.replay(jobId);
    return new Views.Done(replayed, replayed ? "replayed " + jobId
        : "not replayed: " + jobId + " is not dead (unknown, queued, running or finished)");
  }

  /** Deletes one dead job for good. */
  Views.Done purge(String jobId) {
    boolean purged = engine.purgeDeadLetter(jobId);
    return new Views.Done(purged, purged ? "purged " + jobId
        : "not purged: " + jobId + " is not dead");
  }

  /** Replays the tenant's dead jobs, oldest first, up to {@code max}. */
  Views.Done replayAll(AdminRequest req) {
    String tenant = tenant(req);
    int max = Params.intParam(req, "max", DEFAULT_REPLAY_MAX, 1, 1_000_000);
    long n = engine.replayDeadLetters(tenant, max);
    return new Views.Done(true, "replayed " + n + " dead letter(s) of " + tenant);
  }

  /** Deletes every dead job of the tenant. */
  Views.Done purgeAll(AdminRequest req) {
    String tenant = tenant(req);
    long n = engine.purgeDeadLetters(tenant);
    return new Views.Done(true, "purged " + n + " dead letter(s) of " + tenant);
  }

  private static String tenant(AdminRequest req) {
    String tenant = req.param("tenant", null);
    if (tenant == null || tenant.isEmpty()) {
      throw ApiException.badRequest("give the tenant: ?tenant=NAME");
    }
    return Params.tenant(tenant);
  }

  record DeadLetters(String tenant, long total, String nextCursor, List<Views.Job> items) {}
}
