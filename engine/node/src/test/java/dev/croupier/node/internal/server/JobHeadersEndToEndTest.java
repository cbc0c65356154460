package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.api.tracing.OpenTelemetryTracing;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.protocol.ServerException;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Job headers and the trace they carry, from a remote producer through a node to a remote worker. */
class JobHeadersEndToEndTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final FunctionSpec FN = FunctionSpec.newBuilder("h").build();

  private static Worker worker(Node node, JobTracing tracing, Map<String, Map<String, String>> seen,
      Map<String, String> traces) {
    return Worker.create(WorkerOptions.newBuilder().address(Nodes.address(node)).tracing(tracing).build())
        .register(FN, 4, job -> {
          seen.put(job.id(), job.headers());
          traces.put(job.id(), Span.current().getSpanContext().getTraceId());
        })
        .start();
  }

  private static CroupierClient client(Node node, JobTracing tracing) {
    return CroupierClient.connect(ClientOptions.newBuilder().address(Nodes.address(node)).tracing(tracing).build());
  }

  @Test
  void headers_travelFromProducer_toLookups_andToTheWorkersHandler() {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    try (Nodes nodes = new Nodes(REDIS, b -> b.tracing(JobTracing.none()))) {
      Node node = nodes.start();
      try (Worker worker = worker(node, JobTracing.none(), seen, new ConcurrentHashMap<>());
          CroupierClient client = client(node, JobTracing.none())) {
        assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();
        String one = client.enqueue(JobRequest.newBuilder("acme", "h").header("X-Ref", "r=1&2 é")
            .delay(Duration.ofMillis(300)).build()).jobId();
        List<String> batch = client.enqueueBatch(List.of(
                JobRequest.newBuilder("acme", "h").header("b", "2").build(),
                JobRequest.newBuilder("acme", "h").build()))
            .stream().map(r -> r.jobId()).toList();
        assertThat(client.lookup(one).orElseThrow().headers()).isEqualTo(Map.of("x-ref", "r=1&2 é"));

        var done = client.await(one, Duration.ofSeconds(20));
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.headers()).isEqualTo(Map.of("x-ref", "r=1&2 é"));
        for (String id : batch) {
          assertThat(client.await(id, Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(seen).containsEntry(one, Map.of("x-ref", "r=1&2 é"))
            .containsEntry(batch.get(0), Map.of("b", "2")).containsEntry(batch.get(1), Map.of());
      }
    }
  }

  @Test
  void headersOverALimit_areRefusedByTheNode_namingTheRule() throws IOException {
    try (Nodes nodes = new Nodes(REDIS, b -> b.tracing(JobTracing.none()))) {
      Node node = nodes.start();
      nodes.engine(0).registerFunction(FN);
      EnqueueItem.Builder tooMany = EnqueueItem.newBuilder().setTenant("acme").setFunction("h");
      for (int i = 0; i < 33; i++) {
        tooMany.putHeaders("h" + i, "v");
      }
      try (RawPeer peer = new RawPeer(node)) {
        assertThat(peer.hello("").hasWelcome()).isTrue();
        assertThat(refusal(peer, 2, tooMany)).isEqualTo("Enqueue.item.headers holds 33 entries; at most 32 are accepted");
        assertThat(refusal(peer, 3, EnqueueItem.newBuilder().setTenant("acme").setFunction("h")
            .putHeaders("a b", "v"))).contains("header name 'a b' is invalid");
        assertThat(refusal(peer, 4, EnqueueItem.newBuilder().setTenant("acme").setFunction("h")
            .putHeaders("big", "x".repeat(1025)))).contains("header 'big' value has 1025 bytes");
        assertThat(refusal(peer, 5, EnqueueItem.newBuilder().setTenant("acme").setFunction("h")
            .putHeaders("Dup", "1").putHeaders("dup", "2"))).contains("given twice");
      }
      try (CroupierClient client = client(node, JobTracing.none())) {
        assertThatThrownBy(() -> client.enqueue(JobRequest.newBuilder("acme", "h")
            .header("x", "y".repeat(2000)).build()))
            .hasMessageContaining("header 'x' value has 2000 bytes");
      }
    }
  }

  private static String refusal(RawPeer peer, long cid, EnqueueItem.Builder item) throws IOException {
    peer.send(Envelope.newBuilder().setCorrelationId(cid).setEnqueue(Enqueue.newBuilder().setItem(item)).build());
    Envelope reply = peer.read();
    assertThat(reply.getCorrelationId()).isEqualTo(cid);
    assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
    return reply.getError().getMessage();
  }

  @Test
  void theWorkersHandler_runsInTheTraceCurrentWhenTheProducerEnqueued() {
    InMemorySpanExporter producerSpans = InMemorySpanExporter.create();
    InMemorySpanExporter nodeSpans = InMemorySpanExporter.create();
    InMemorySpanExporter workerSpans = InMemorySpanExporter.create();
    Map<String, String> traces = new ConcurrentHashMap<>();
    try (OpenTelemetrySdk producerOtel = sdk(producerSpans);
        OpenTelemetrySdk nodeOtel = sdk(nodeSpans);
        OpenTelemetrySdk workerOtel = sdk(workerSpans);
        Nodes nodes = new Nodes(REDIS, b -> b.tracing(OpenTelemetryTracing.of(nodeOtel)))) {
      Node node = nodes.start();
      try (Worker worker = worker(node, OpenTelemetryTracing.of(workerOtel), new ConcurrentHashMap<>(), traces);
          CroupierClient client = client(node, OpenTelemetryTracing.of(producerOtel))) {
        assertThat(worker.awaitReady(Duration.ofSeconds(10))).isTrue();
        Span request = producerOtel.getTracer("test").spanBuilder("request").startSpan();
        String id;
        try (Scope s = request.makeCurrent()) {
          id = client.enqueue(JobRequest.newBuilder("acme", "h").build()).jobId();
        } finally {
          request.end();
        }
        assertThat(client.await(id, Duration.ofSeconds(20)).state()).isEqualTo(JobState.SUCCEEDED);

        String traceId = request.getSpanContext().getTraceId();
        assertThat(traces).containsEntry(id, traceId);
        SpanData enqueue = producerSpans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("enqueue h")).findFirst().orElseThrow();
        assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(enqueue.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        Await.until("the worker's run span ended", Duration.ofSeconds(5),
            () -> !workerSpans.getFinishedSpanItems().isEmpty());
        SpanData run = workerSpans.getFinishedSpanItems().get(0);
        assertThat(run.getName()).isEqualTo("run h");
        assertThat(run.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(run.getTraceId()).isEqualTo(traceId);
        assertThat(run.getParentSpanId()).isEqualTo(enqueue.getSpanId());
        assertThat(nodeSpans.getFinishedSpanItems()).as("the node keeps the trace the job came with")
            .isEmpty();
      }
    }
  }

  private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
  }
}
