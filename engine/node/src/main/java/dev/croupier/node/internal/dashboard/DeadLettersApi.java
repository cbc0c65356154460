package dev.croupier.node.internal.dashboard;

import dev.croupier.engine.Engine;
import java.util.List;
import java.util.Objects;

/** {@code /api/dead-letters}: a tenant's dead jobs, replay one, purge them. */
final class DeadLettersApi {

  /** Most dead letters one request lists. */
  static final int MAX_LIMIT = 500;

  private final Engine engine;

  DeadLettersApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The tenant's dead jobs, oldest death first. */
  Object list(AdminRequest req) {
    String tenant = req.param("tenant", null);
    if (tenant == null || tenant.isEmpty()) {
      throw ApiException.badRequest("give the tenant: /api/dead-letters?tenant=NAME");
    }
    int limit = Params.intParam(req, "limit", 50, 1, MAX_LIMIT);
    List<Views.Job> jobs = engine.deadLetters(Params.tenant(tenant), limit).stream()
        .map(Views.Job::of).toList();
    return new DeadLetters(tenant, limit, jobs);
  }

  /** Replays one dead job. */
  Views.Done replay(String jobId) {
    boolean replayed = engine.replay(jobId);
    return new Views.Done(replayed, replayed ? "replayed " + jobId
        : "not replayed: " + jobId + " is not dead (unknown, queued, running or finished)");
  }

  record DeadLetters(String tenant, int limit, List<Views.Job> items) {}
}
