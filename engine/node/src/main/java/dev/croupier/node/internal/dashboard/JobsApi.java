package dev.croupier.node.internal.dashboard;

import dev.croupier.api.JobInfo;
import dev.croupier.api.admin.Explanation;
import dev.croupier.api.admin.Reason;
import dev.croupier.engine.Engine;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@code /api/jobs/ID}: a job and the engine's explanation of it; {@code /api/jobs/ID/cancel}. */
final class JobsApi {

  private final Engine engine;

  JobsApi(Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The job with its explanation. */
  Object get(String jobId) {
    JobInfo info = engine.lookup(jobId).orElseThrow(() -> ApiException.notFound("no job "
        + Params.clip(jobId) + " (unknown, or finished longer ago than the status retention)"));
    ExplanationView why = engine.explain(jobId).map(JobsApi::view).orElse(null);
    return new JobView(Views.Job.of(info), why);
  }

  /** Cancels the job. */
  Views.Done cancel(String jobId) {
    boolean cancelled = engine.cancel(jobId);
    return new Views.Done(cancelled, cancelled ? "cancelled " + jobId
        : "not cancelled: " + jobId + " is unknown or already final");
  }

  /**
   * The explanation as the page shows it: the reason's kind, its sentence, and its numbers by
   * name (read from the reason record's components, so a new kind needs no change here).
   */
  static ExplanationView view(Explanation e) {
    Reason r = e.reason();
    Map<String, Object> details = new LinkedHashMap<>();
    RecordComponent[] components = r.getClass().getRecordComponents();
    if (components != null) {
      for (RecordComponent c : components) {
        if (c.getName().equals("kind")) {
          continue;
        }
        try {
          details.put(c.getName(), detail(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException ex) {
          throw new IllegalStateException("cannot read " + c.getName() + " of " + r, ex);
        }
      }
    }
    return new ExplanationView(r.kind().name(), e.message(), e.state().name(), details);
  }

  private static Object detail(Object v) {
    if (v instanceof Instant t) {
      return t.toString();
    }
    if (v instanceof Duration d) {
      return d.toMillis() + " ms";
    }
    return v;
  }

  record JobView(Views.Job job, ExplanationView explanation) {}

  record ExplanationView(String reason, String message, String state, Map<String, Object> details) {}
}
