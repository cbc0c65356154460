package dev.croupier.api.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetryTracingTest {

  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String PARENT_ID = "00f067aa0ba902b7";

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  final JobTracing tracing = OpenTelemetryTracing.of(otel);

  @AfterEach
  void close() {
    otel.close();
  }

  /** Runs {@code body} inside a remote parent span with a tracestate. */
  static <T> T inParent(java.util.function.Supplier<T> body) {
    SpanContext parent = SpanContext.createFromRemoteParent(TRACE_ID, PARENT_ID, TraceFlags.getSampled(),
        TraceState.builder().put("rojo", "00f067aa0ba902b7").build());
    try (Scope s = Span.wrap(parent).makeCurrent()) {
      return body.get();
    }
  }

  @Test
  void enqueue_putsTheCallersTraceIntoHeaders_underAProducerSpan() {
    JobTracing.Enqueue e = inParent(() -> tracing.enqueue(List.of(
        JobRequest.newBuilder("acme", "mail").header("x-id", "1").build())));
    e.end(List.of(new EnqueueResult("0-job", false)), null);

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("enqueue mail");
    assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("messaging.system"), "croupier")
        .containsEntry(AttributeKey.stringKey("messaging.operation.name"), "enqueue")
        .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "send")
        .containsEntry(AttributeKey.stringKey("messaging.destination.name"), "mail")
        .containsEntry(AttributeKey.stringKey("croupier.tenant"), "acme")
        .containsEntry(AttributeKey.stringKey("messaging.message.id"), "0-job");
    Map<String, String> headers = e.requests().get(0).options().headers();
    assertThat(headers).containsEntry("x-id", "1")
        .containsEntry("traceparent", "00-" + TRACE_ID + "-" + span.getSpanId() + "-01")
        .containsEntry("tracestate", "rojo=00f067aa0ba902b7");
  }

  @Test
  void enqueue_keepsATraceTheJobsCarryAlready_andTracesNothingWhenAllDo() {
    String own = "00-11111111111111111111111111111111-2222222222222222-01";
    JobRequest carrying = JobRequest.newBuilder("acme", "f").header("traceparent", own).build();
    JobTracing.Enqueue all = inParent(() -> tracing.enqueue(List.of(carrying)));
    all.end(List.of(), null);
    assertThat(all.requests()).containsExactly(carrying);
    assertThat(spans.getFinishedSpanItems()).isEmpty();

    JobTracing.Enqueue mixed = inParent(() -> tracing.enqueue(List.of(carrying,
        JobRequest.newBuilder("acme", "g").build())));
    mixed.end(null, new IllegalStateException("redis away"));
    assertThat(mixed.requests().get(0).options().headers()).containsEntry("traceparent", own);
    assertThat(mixed.requests().get(1).options().headers().get("traceparent")).contains(TRACE_ID);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("enqueue");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.batch.message_count"))).isEqualTo(2);
  }

  @Test
  void enqueue_dropsWhatWouldBreakAHeaderLimit_neverTheEnqueue() {
    Map<String, String> thirty = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      thirty.put("h" + i, "v");
    }
    Map<String, String> thirtyOne = new HashMap<>(thirty);
    thirtyOne.put("h30", "v");
    Map<String, String> thirtyTwo = new HashMap<>(thirtyOne);
    thirtyTwo.put("h31", "v");
    List<JobRequest> out = inParent(() -> tracing.enqueue(List.of(
        JobRequest.newBuilder("acme", "f").headers(thirty).build(),
        JobRequest.newBuilder("acme", "f").headers(thirtyOne).build(),
        JobRequest.newBuilder("acme", "f").headers(thirtyTwo).build()))).requests();
    assertThat(out.get(0).options().headers()).hasSize(32).containsKeys("traceparent", "tracestate");
    assertThat(out.get(1).options().headers()).hasSize(32).containsKey("traceparent").doesNotContainKey("tracestate");
    assertThat(out.get(2).options().headers()).isEqualTo(thirtyTwo);
  }

  @Test
  void enqueue_withoutACurrentTraceStartsOne() {
    JobTracing.Enqueue e = tracing.enqueue(List.of(JobRequest.newBuilder("acme", "f").build()));
    e.end(null, null);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(e.requests().get(0).options().headers().get("traceparent")).contains(span.getTraceId());
  }

  @Test
  void run_continuesTheJobsTrace_asAConsumerSpan_currentWhileTheHandlerRuns() {
    Instant enqueued = Instant.parse("2026-01-01T00:00:00Z");
    LeasedJob job = new LeasedJob("0-job", "acme", "mail", new byte[0], 2, 5, Map.of(),
        enqueued.plusSeconds(60), enqueued,
        Map.of("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01"), "token");
    JobTracing.Run run = tracing.run(job, enqueued.plusMillis(1500));
    String seen;
    try (JobTracing.Scope s = run.makeCurrent()) {
      seen = Span.current().getSpanContext().getTraceId();
    }
    assertThat(Span.current().getSpanContext().isValid()).as("the scope was closed").isFalse();
    run.end(new Outcome.Retry(null, "boom", Duration.ZERO), new IllegalStateException("boom"));

    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(seen).isEqualTo(TRACE_ID);
    assertThat(span.getName()).isEqualTo("run mail");
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getEvents()).extracting(ev -> ev.getName()).contains("exception");
    assertThat(span.getAttributes().asMap())
        .containsEntry(AttributeKey.stringKey("messaging.operation.type"), "process")
        .containsEntry(AttributeKey.stringKey("messaging.message.id"), "0-job")
        .containsEntry(AttributeKey.stringKey("messaging.destination.name"), "mail")
        .containsEntry(AttributeKey.stringKey("croupier.tenant"), "acme")
        .containsEntry(AttributeKey.longKey("croupier.job.attempt"), 2L)
        .containsEntry(AttributeKey.longKey("croupier.job.wait_ms"), 1500L)
        .containsEntry(AttributeKey.stringKey("croupier.job.outcome"), "retry");
  }

  @Test
  void run_ofAJobWithoutTrace_isARootSpan_whateverTheRunnersThreadCarries() {
    LeasedJob job = new LeasedJob("0-job", "acme", "f", new byte[0], 1, 5, Map.of(),
        Instant.now(), null, Map.of(), "token");
    JobTracing.Run run = inParent(() -> tracing.run(job, Instant.now()));
    run.end(new Outcome.Success(Duration.ZERO), null);
    SpanData span = spans.getFinishedSpanItems().get(0);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }
}
