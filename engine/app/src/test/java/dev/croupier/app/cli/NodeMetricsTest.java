package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.AdminServer;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.protocol.ServerException;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an engine node serves on {@code /metrics}, as {@code croupier serve} wires it: a node, a
 * worker and a producer run jobs, and the scrape must hold every series the operations guide and
 * the Grafana dashboard use, in Prometheus names.
 */
class NodeMetricsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void scrape_afterJobsRan_holdsTheEngineNodeAndJvmSeries() throws Exception {
    PrometheusMeterRegistry registry = NodeRegistry.create();
    try (EngineRuntime runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
            .namespace(REDIS.newNamespace()).meterRegistry(registry).tenantSeriesLimit(1).build());
        NodeServer node = NodeServer.start(runtime, ServerOptions.newBuilder().port(0).build());
        AdminServer admin = new AdminServer("127.0.0.1", 0, registry, runtime.leases()::redisReachable)) {
      String address = "127.0.0.1:" + node.address().getPort();
      try (Worker worker = Worker.create(WorkerOptions.newBuilder().address(address).build())
              .register(FunctionSpec.newBuilder("mail").build(), 4, job -> {
                if (new String(job.payload(), StandardCharsets.UTF_8).equals("bad")) {
                  throw new PermanentFailureException("bad payload");
                }
              }).start();
          CroupierClient client = CroupierClient.connect(
              ClientOptions.newBuilder().address(address).build())) {
        assertThat(worker.awaitReady(Duration.ofSeconds(20))).isTrue();
        List<String> ids = client.enqueueBatch(List.of(
            new JobRequest("acme", "mail", "ok".getBytes(StandardCharsets.UTF_8), null),
            new JobRequest("acme", "mail", "bad".getBytes(StandardCharsets.UTF_8), null),
            new JobRequest("globex", "mail", "ok".getBytes(StandardCharsets.UTF_8), null)))
            .stream().map(r -> r.jobId()).toList();
        for (String id : ids) {
          assertThat(client.awaitCompletion(id, Duration.ofSeconds(20)).get().state())
              .isIn(JobState.SUCCEEDED, JobState.DEAD);
        }
        // One job stays queued for the backlog gauge; a malformed job id is refused.
        client.enqueue(new JobRequest("acme", "mail", new byte[0],
            EnqueueOptions.newBuilder().delay(Duration.ofHours(1)).build()));
        assertThatThrownBy(() -> client.lookup("no-such-job")).isInstanceOf(ServerException.class)
            .hasMessageContaining("INVALID_REQUEST");

        // The backlog census runs every few seconds, and the GC meter appears with the first
        // collection after it was bound: scrape until both are there.
        System.gc();
        Set<String> dashboard = dashboardSeries();
        String[] body = new String[1];
        Await.until(Duration.ofSeconds(20), () -> "a backlog of 1 and the dashboard's series "
            + dashboard + " in:\n" + body[0], () -> {
          body[0] = scrape(admin);
          return Pattern.compile("croupier_jobs_backlog\\{function=\"mail\",tenant=\"[^\"]+\"} 1\\.0")
              .matcher(body[0]).find() && body[0].contains("croupier_jobs_running{function=\"mail\",tenant=")
              && dashboard.stream().allMatch(body[0]::contains);
        });
        String metrics = body[0];
        assertThat(metrics).contains(
            "# TYPE croupier_job_wait_seconds histogram",
            "croupier_job_wait_seconds_bucket{function=\"mail\",tenant=",
            "le=\"1.0\"}", // an SLO boundary
            "croupier_job_run_seconds_count{function=\"mail\",tenant=",
            "croupier_jobs_running{function=\"mail\",tenant=",
            "croupier_node_connections{role=\"admin\"} 2.0", // no tokens file: everyone is admin
            "croupier_node_connections{role=\"worker\"} 0.0",
            "croupier_node_credits ",
            "croupier_node_requests_in_flight ",
            "croupier_node_dispatches_total{function=\"mail\"} 3.0",
            "croupier_node_completions_total{function=\"mail\",outcome=\"success\"} 2.0",
            "croupier_node_completions_total{function=\"mail\",outcome=\"fail\"} 1.0",
            "croupier_node_errors_total{code=\"INVALID_REQUEST\"} 1.0",
            "croupier_jobs_completed_total{outcome=\"success\"} 2.0",
            "jvm_memory_used_bytes{",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "system_cpu_count",
            "process_uptime_seconds");
        // Two tenants, a limit of one: the second is summed as "_other".
        assertThat(tenants(metrics, "croupier_job_wait_seconds_count")).hasSize(2).contains("_other");
      }
    }
  }

  /** The series deploy/grafana/croupier.json queries (the test runs in engine/app). */
  private static Set<String> dashboardSeries() throws java.io.IOException {
    String json = java.nio.file.Files.readString(
        java.nio.file.Path.of("../../deploy/grafana/croupier.json"));
    Matcher m = Pattern.compile("\\b((?:croupier|jvm|process|system)_[a-z_]+)").matcher(json);
    Set<String> out = new TreeSet<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    assertThat(out).as("series in the dashboard").hasSizeGreaterThan(15);
    return out;
  }

  private static Set<String> tenants(String metrics, String series) {
    Matcher m = Pattern.compile(Pattern.quote(series) + "\\{function=\"mail\",tenant=\"([^\"]+)\"}")
        .matcher(metrics);
    Set<String> out = new TreeSet<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String scrape(AdminServer admin) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
