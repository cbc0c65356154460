package dev.croupier.app.demo;

import dev.croupier.engine.internal.json.JsonWriter;

import java.util.Objects;

/**
 * Both runs of the demo, side by side.
 *
 * @param options the workload both ran
 * @param fifo the run through the plain FIFO list
 * @param croupier the run through Croupier
 */
public record DemoReport(DemoOptions options, RunReport fifo, RunReport croupier) {

  /** Checks the fields. */
  public DemoReport {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(fifo, "fifo");
    Objects.requireNonNull(croupier, "croupier");
  }

  /**
   * The report as one JSON object: {@code {"fifo": RUN, "croupier": RUN}}, where RUN is
   * {@code {"elapsed_ms", "big_enqueue_ms", "drained", "tenants": {"A": TENANT, ...}}} and TENANT
   * is {@code {"enqueued", "started", "done", "first_start_ms", "wait_p50_ms", "wait_p99_ms",
   * "big_queued_at_first_start"}}. Times are milliseconds rounded to 0.1; null where nothing
   * started.
   */
  public String toJson() {
    JsonWriter w = new JsonWriter().beginObject();
    writeRun(w.name("fifo"), fifo);
    writeRun(w.name("croupier"), croupier);
    return w.endObject().toString();
  }

  private static void writeRun(JsonWriter w, RunReport run) {
    w.beginObject()
        .member("elapsed_ms", run.elapsedMs())
        .member("big_enqueue_ms", run.bigEnqueueMs())
        .member("drained", run.drained())
        .name("tenants").beginObject();
    for (TenantReport t : run.tenants()) {
      w.name(t.tenant()).beginObject()
          .member("enqueued", t.enqueued())
          .member("started", t.started())
          .member("done", t.done())
          .member("first_start_ms", t.firstStartMs())
          .member("wait_p50_ms", t.waitP50Ms())
          .member("wait_p99_ms", t.waitP99Ms())
          .name("big_queued_at_first_start");
      if (t.bigQueuedAtFirstStart() == null) {
        w.value((String) null);
      } else {
        w.value(t.bigQueuedAtFirstStart().longValue());
      }
      w.endObject();
    }
    w.endObject().endObject();
  }
}
