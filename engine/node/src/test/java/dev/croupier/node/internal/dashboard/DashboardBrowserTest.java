package dev.croupier.node.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.AdminServer;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

class DashboardBrowserTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void deadLetter_isReplayedFromTheDashboard_andItsJobLookedUp() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EngineRuntime runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
            .namespace(REDIS.newNamespace()).meterRegistry(registry).build());
        AdminServer admin = new AdminServer("127.0.0.1", 0, registry,
            runtime.leases()::redisReachable, runtime.engine(), null);
        Browser browser = new Browser()) {
      Engine engine = runtime.engine();
      engine.register(FunctionSpec.newBuilder("fails").retry(new RetryPolicy(1, Duration.ofMillis(10), 2, Duration.ofMillis(10))).build(), 1, job -> {
        throw new PermanentFailureException("boom <b>not html</b>");
      });
      String id = engine.enqueue("acme", "fails", new byte[0], EnqueueOptions.DEFAULTS).jobId();
      assertThat(engine.await(id, Duration.ofSeconds(10)).state()).isEqualTo(JobState.DEAD);
      engine.unregister("fails");

      WebDriver d = browser.driver();
      d.get("http://127.0.0.1:" + admin.port() + "/dashboard/");
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(10));
      d.findElement(By.cssSelector("#tabs button[data-view='dead-letters']")).click();
      d.findElement(By.id("dlq-tenant")).sendKeys("acme");
      d.findElement(By.cssSelector("#dlq-form button[type='submit']")).click();
      WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("#dlq-table tr[data-job='" + id + "']")));
      assertThat(row.getText()).contains("boom <b>not html</b>");
      row.findElement(By.cssSelector("button.dlq-replay")).click();
      wait.until(ExpectedConditions.invisibilityOfElementLocated(
          By.cssSelector("#dlq-table tr[data-job='" + id + "']")));
      assertThat(engine.lookup(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
      browser.screenshot(java.nio.file.Path.of("target/dashboard-smoke.png"));
    }
  }
}
