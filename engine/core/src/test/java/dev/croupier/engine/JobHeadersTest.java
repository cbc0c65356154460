package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.api.tracing.OpenTelemetryTracing;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Job headers through the embedded engine: stored, looked up, handed to the handler, traced. */
class JobHeadersTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final FunctionSpec FN = FunctionSpec.newBuilder("h").build();
  /** A value the stored form must escape, and that must never reach a key name. */
  private static final String TRICKY = "a=b&c d%é\n{c:0}*marker";

  private static EngineOptions.Builder options(String ns) {
    return EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).tracing(JobTracing.none());
  }

  @Test
  void headers_goThroughSingleAndBatchEnqueues_toLookupsAndTheHandler() throws Exception {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    try (Engine engine = EngineRuntime.start(options(REDIS.newNamespace()).build())) {
      engine.configureFunction(FN);
      String single = engine.enqueue(JobRequest.newBuilder("acme", "h").idempotencyKey("k1")
          .header("X-Note", TRICKY).header("Ref", "42").build()).jobId();
      List<String> batch = engine.enqueueBatch(List.of(
              JobRequest.newBuilder("acme", "h").header("Ref", "7").build(),
              JobRequest.newBuilder("acme", "h").build()))
          .stream().map(r -> r.jobId()).toList();
      Map<String, String> expected = Map.of("x-note", TRICKY, "ref", "42");
      assertThat(engine.lookup(single).orElseThrow().headers()).isEqualTo(expected);
      assertThat(engine.lookup(batch.get(0)).orElseThrow().headers()).isEqualTo(Map.of("ref", "7"));

      engine.register(FN, 4, job -> seen.put(job.id(), job.headers()));
      for (String id : List.of(single, batch.get(0), batch.get(1))) {
        assertThat(engine.awaitCompletion(id, Duration.ofSeconds(20)).get().state()).isEqualTo(JobState.SUCCEEDED);
      }
      assertThat(seen).containsEntry(single, expected).containsEntry(batch.get(0), Map.of("ref", "7"))
          .containsEntry(batch.get(1), Map.of());
      JobInfo done = engine.lookup(single).orElseThrow();
      assertThat(done.headers()).as("kept on the status record").isEqualTo(expected);
    }
  }

  @Test
  void aJobWithoutHeaders_storesNoHeaderField_andHeadersNeverReachAKeyName() {
    String ns = REDIS.newNamespace();
    KeySchema keys = new KeySchema(ns, 1);
    try (Engine engine = EngineRuntime.start(options(ns).build()); RedisClient redis = REDIS.client()) {
      engine.configureFunction(FN);
      String plainSingle = engine.enqueue(JobRequest.newBuilder("acme", "h").idempotencyKey("p").build()).jobId();
      String plainBatch = engine.enqueueBatch(List.of(JobRequest.newBuilder("acme", "h").build(),
          JobRequest.newBuilder("acme", "h").build())).get(0).jobId();
      String withHeaders = engine.enqueue(JobRequest.newBuilder("acme", "h").header("x-note", TRICKY)
          .header(TRICKY.replaceAll("[^a-z]", ""), "v").build()).jobId();

      Set<String> plainFields = redis.hkeys(keys.job(0, plainSingle));
      assertThat(plainFields).doesNotContain("h").isNotEmpty();
      assertThat(redis.hkeys(keys.job(0, plainBatch))).isEqualTo(plainFields);
      Map<String, String> stored = redis.hgetAll(keys.job(0, withHeaders));
      assertThat(stored.keySet()).as("one field more, whatever the headers")
          .containsExactlyInAnyOrderElementsOf(union(plainFields, "h"));
      assertThat(stored.get("h")).isEqualTo("abcdcmarker=v&x-note=a%3Db%26c+d%25%C3%A9%0A%7Bc%3A0%7D*marker");
      assertThat(redis.keys(ns + "*")).noneMatch(k -> k.contains("marker"));
    }
  }

  private static Set<String> union(Set<String> a, String b) {
    Set<String> out = new java.util.HashSet<>(a);
    out.add(b);
    return out;
  }

  @Test
  void theHandler_runsInTheTraceCurrentAtEnqueue() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    Map<String, String> inHandler = new ConcurrentHashMap<>();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        Engine engine = EngineRuntime.start(options(REDIS.newNamespace())
            .tracing(OpenTelemetryTracing.of(otel)).build())) {
      engine.register(FN, 2, job -> {
        inHandler.put("trace", Span.current().getSpanContext().getTraceId());
        inHandler.put("traceparent", job.headers().get("traceparent"));
      });
      Span request = otel.getTracer("test").spanBuilder("request").startSpan();
      String id;
      try (Scope s = request.makeCurrent()) {
        id = engine.enqueue(JobRequest.newBuilder("acme", "h").build()).jobId();
      } finally {
        request.end();
      }
      assertThat(engine.awaitCompletion(id, Duration.ofSeconds(20)).get().state()).isEqualTo(JobState.SUCCEEDED);

      String traceId = request.getSpanContext().getTraceId();
      assertThat(inHandler).containsEntry("trace", traceId);
      assertThat(inHandler.get("traceparent")).startsWith("00-" + traceId + "-");
      assertThat(engine.lookup(id).orElseThrow().headers()).containsKey("traceparent");
      Await.until(Duration.ofSeconds(5), "three spans ended", () -> spans.getFinishedSpanItems().size() == 3);
      SpanData enqueue = span(spans, "enqueue h");
      SpanData run = span(spans, "run h");
      assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
      assertThat(enqueue.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(run.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(run.getTraceId()).isEqualTo(traceId);
      assertThat(run.getParentSpanId()).isEqualTo(enqueue.getSpanId());
    }
  }

  private static SpanData span(InMemorySpanExporter spans, String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
