package dev.croupier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.node.AdminServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The image's health check against a real admin endpoint. */
class HealthProbeTest {

  @Test
  void status_followsTheAdminEndpointsHealth_andIsMinusOneWhenNothingListens() {
    AtomicBoolean redisUp = new AtomicBoolean(true);
    int port;
    try (AdminServer admin = new AdminServer("127.0.0.1", 0,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), redisUp::get)) {
      port = admin.port();
      String url = "http://127.0.0.1:" + port + "/health";
      assertThat(HealthProbe.status(url)).isEqualTo(200);
      redisUp.set(false);
      assertThat(HealthProbe.status(url)).isEqualTo(503);
    }
    assertThat(HealthProbe.status("http://127.0.0.1:" + port + "/health")).isEqualTo(-1);
  }
}
