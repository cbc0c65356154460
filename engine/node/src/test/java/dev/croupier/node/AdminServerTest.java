package dev.croupier.node;

import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminServerTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void metricsAndHealth_areServed() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EngineRuntime runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
            .namespace(REDIS.newNamespace()).meterRegistry(registry).build());
        AdminServer admin = new AdminServer("127.0.0.1", 0, registry, runtime.leases()::redisReachable)) {
      Engine engine = runtime.engine();
      engine.register(FunctionSpec.newBuilder("f").build(), 2, job -> {});
      String id = engine.enqueue("t", "f", new byte[1], EnqueueOptions.DEFAULTS).jobId();
      engine.awaitCompletion(id, Duration.ofSeconds(10)).get();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("croupier_jobs_enqueued_total 1.0")
          .contains("croupier_jobs_completed_total{outcome=\"success\"} 1.0")
          .contains("croupier_handler_errors_total 0.0");
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + admin.port() + "/nope")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }
}
