package dev.croupier.api.tracing;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobHeaders;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link JobTracing} on OpenTelemetry, after its messaging semantic conventions: an
 * {@code enqueue <function>} span (kind PRODUCER) around each enqueue call, whose context goes
 * into the jobs' headers as W3C Trace Context ({@code traceparent}, {@code tracestate}; always
 * W3C, whatever propagators are configured, since workers in any language read the headers); and a
 * {@code run <function>} span (kind CONSUMER) around each delivery, child of that context, current
 * while the handler runs. Attributes: {@code messaging.system} = {@code croupier},
 * {@code messaging.operation.name} ({@code enqueue} / {@code run}), {@code messaging.operation.type}
 * ({@code send} / {@code process}), {@code messaging.destination.name} = the function,
 * {@code messaging.message.id} = the job id, {@code croupier.tenant}, and on runs
 * {@code croupier.job.attempt} and {@code croupier.job.wait_ms} (enqueue to start).
 *
 * <p>The only class naming OpenTelemetry types: load it only when the API is on the class path
 * ({@link JobTracing#detect()} checks).
 */
public final class OpenTelemetryTracing implements JobTracing {

  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  private static final String SCOPE_NAME = "dev.croupier";

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> TENANT = AttributeKey.stringKey("croupier.tenant");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("croupier.job.attempt");
  static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("croupier.job.wait_ms");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("croupier.job.outcome");

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key.toLowerCase(Locale.ROOT));
    }
  };

  private final Supplier<OpenTelemetry> source;
  /** The tracer of the last instance seen; replaced when the global instance changes. */
  private volatile Cached cached;

  private record Cached(OpenTelemetry otel, Tracer tracer) {}

  private OpenTelemetryTracing(Supplier<OpenTelemetry> source) {
    this.source = source;
  }

  /** Tracing through {@code openTelemetry}. */
  public static JobTracing of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new OpenTelemetryTracing(() -> openTelemetry);
  }

  /** Tracing through {@link GlobalOpenTelemetry}, looked up at each use. */
  public static JobTracing global() {
    return new OpenTelemetryTracing(GlobalOpenTelemetry::get);
  }

  private Tracer tracer() {
    OpenTelemetry otel = source.get();
    Cached c = cached;
    if (c == null || c.otel != otel) {
      c = new Cached(otel, otel.getTracer(SCOPE_NAME));
      cached = c;
    }
    return c.tracer;
  }

  @Override
  public Enqueue enqueue(List<JobRequest> requests) {
    try {
      return startEnqueue(requests);
    } catch (RuntimeException e) {
      // The API does not throw; a faulty SDK might. Tracing must never stop an enqueue.
      return NoTracing.INSTANCE.enqueue(requests);
    }
  }

  private Enqueue startEnqueue(List<JobRequest> requests) {
    // Jobs that carry a trace already (given by the caller, or by the client that sent them to
    // this node) keep it: the enqueue was traced where it began.
    if (requests.stream().allMatch(r -> r.options().headers().containsKey(TRACEPARENT))) {
      return NoTracing.INSTANCE.enqueue(requests);
    }
    String function = common(requests, JobRequest::function);
    String tenant = common(requests, JobRequest::tenant);
    SpanBuilder b = tracer().spanBuilder(function == null ? "enqueue" : "enqueue " + function)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(SYSTEM, "croupier")
        .setAttribute(OPERATION, "enqueue")
        .setAttribute(OPERATION_TYPE, "send");
    if (function != null) {
      b.setAttribute(DESTINATION, function);
    }
    if (tenant != null) {
      b.setAttribute(TENANT, tenant);
    }
    if (requests.size() > 1) {
      b.setAttribute(BATCH_COUNT, (long) requests.size());
    }
    Span span = b.startSpan();
    Map<String, String> trace = new LinkedHashMap<>();
    W3C.inject(Context.current().with(span), trace, Map::put);
    List<JobRequest> out = new ArrayList<>(requests.size());
    for (JobRequest r : requests) {
      out.add(withTrace(r, trace));
    }
    return new TracedEnqueue(span, out);
  }

  /**
   * {@code r} with the trace headers added, unless it has its own or they would break a header
   * limit (then without {@code tracestate}, or without the trace: the enqueue never fails for it).
   */
  private static JobRequest withTrace(JobRequest r, Map<String, String> trace) {
    Map<String, String> given = r.options().headers();
    if (trace.isEmpty() || given.containsKey(TRACEPARENT)) {
      return r;
    }
    Map<String, String> merged = new LinkedHashMap<>(given);
    merged.putAll(trace);
    if (JobHeaders.violation(merged) != null) {
      merged.remove(TRACESTATE);
      if (given.containsKey(TRACESTATE)) {
        merged.put(TRACESTATE, given.get(TRACESTATE));
      }
      if (JobHeaders.violation(merged) != null) {
        return r;
      }
    }
    return r.withHeaders(merged);
  }

  private static String common(List<JobRequest> requests, Function<JobRequest, String> field) {
    String first = requests.isEmpty() ? null : field.apply(requests.get(0));
    for (JobRequest r : requests) {
      if (!field.apply(r).equals(first)) {
        return null;
      }
    }
    return first;
  }

  @Override
  public Run run(LeasedJob job, Instant startedAt) {
    try {
      return startRun(job, startedAt);
    } catch (RuntimeException e) {
      return NoTracing.INSTANCE; // as for enqueue: never stop a job for its trace
    }
  }

  private Run startRun(LeasedJob job, Instant startedAt) {
    // The job's own trace, not whatever the runner's thread carries.
    Context parent = W3C.extract(Context.root(), job.headers(), HEADERS);
    SpanBuilder b = tracer().spanBuilder("run " + job.function())
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(SYSTEM, "croupier")
        .setAttribute(OPERATION, "run")
        .setAttribute(OPERATION_TYPE, "process")
        .setAttribute(DESTINATION, job.function())
        .setAttribute(MESSAGE_ID, job.id())
        .setAttribute(ATTEMPT, (long) job.attempt());
    if (job.tenant() != null) {
      b.setAttribute(TENANT, job.tenant());
    }
    if (job.enqueuedAt() != null) {
      b.setAttribute(WAIT_MS, Math.max(0, startedAt.toEpochMilli() - job.enqueuedAt().toEpochMilli()));
    }
    return new TracedRun(parent.with(b.startSpan()));
  }

  private record TracedEnqueue(Span span, List<JobRequest> requests) implements Enqueue {
    @Override
    public Scope makeCurrent() {
      return span.makeCurrent()::close;
    }

    @Override
    public void end(List<EnqueueResult> results, Throwable error) {
      if (error != null) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      } else if (results != null && results.size() == 1) {
        span.setAttribute(MESSAGE_ID, results.get(0).jobId());
      }
      span.end();
    }
  }

  private record TracedRun(Context context) implements Run {
    @Override
    public Scope makeCurrent() {
      return context.makeCurrent()::close;
    }

    @Override
    public void end(Outcome outcome, Throwable error) {
      Span span = Span.fromContext(context);
      if (error != null) {
        span.recordException(error);
      }
      switch (outcome) {
        case Outcome.Success s -> span.setAttribute(OUTCOME, "success");
        case Outcome.Retry r -> {
          span.setAttribute(OUTCOME, "retry");
          span.setStatus(StatusCode.ERROR, r.error());
        }
        case Outcome.Fail f -> {
          span.setAttribute(OUTCOME, "fail");
          span.setStatus(StatusCode.ERROR, f.error());
        }
      }
      span.end();
    }
  }
}
