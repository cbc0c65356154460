package dev.croupier.node.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.croupier.api.JobRequest;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.AdminServer;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.clients.jedis.RedisClient;

/**
 * 10,000 tenants with work: a page of the tenant table costs Redis a bounded number of commands
 * (counted by Redis itself, scripts' inner calls included), not a number that grows with the
 * tenants; and the page renders one page of rows, not ten thousand.
 */
class DashboardScaleTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final int TENANTS = 10_000;
  static final int PAGE = 50;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tenThousandTenants_aPageCostsBoundedRedisWork_andRendersOnePage() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EngineRuntime runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
            .namespace(REDIS.newNamespace()).meterRegistry(registry).build());
        AdminServer admin = new AdminServer("127.0.0.1", 0, registry,
            runtime.leases()::redisReachable, runtime.engine(), null);
        RedisClient redis = REDIS.client()) {
      Engine engine = runtime.engine();
      seed(engine);
      Http http = new Http(admin.port(), null);

      for (String sort : List.of("backlog", "deficit", "name")) {
        long before = commands(redis);
        HttpResponse<String> r = http.get("/api/tenants?sort=" + sort + "&limit=" + PAGE);
        long used = commands(redis) - before;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = JSON.readTree(r.body());
        assertThat(page.get("total").asLong()).isEqualTo(TENANTS);
        assertThat(page.get("items")).hasSize(PAGE);
        assertThat(page.get("nextCursor").isNull()).isFalse();
        // Reading every tenant would take at least one command each; a page takes a few per row.
        assertThat(used).as("Redis commands for one page sorted by " + sort)
            .isLessThan(TENANTS / 10);
        System.out.printf("dashboard page of %d of %d tenants by %s: %d Redis commands%n",
            PAGE, TENANTS, sort, used);
      }
      // The biggest backlog first: tenant-07777 got the most jobs.
      JsonNode top = JSON.readTree(http.get("/api/tenants?sort=backlog&limit=3").body());
      assertThat(top.at("/items/0/tenant").asText()).isEqualTo("tenant-07777");
      assertThat(top.at("/items/0/queued").asLong()).isEqualTo(25);
      JsonNode found = JSON.readTree(http.get("/api/tenants?tenant=tenant-04242").body());
      assertThat(found.at("/items/0/tenant").asText()).isEqualTo("tenant-04242");
      assertThat(found.get("items")).hasSize(1);

      try (Browser browser = new Browser()) {
        ChromeDriver d = browser.driver();
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));
        d.get("http://127.0.0.1:" + admin.port() + "/dashboard/");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tenant-range"),
            "of 10,000 tenants"));
        assertThat(d.findElements(By.cssSelector("#tenant-table tbody tr"))).hasSize(PAGE);
        d.findElement(By.id("tenant-next")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tenant-range"),
            "rows 51–100"));
        assertThat(d.findElements(By.cssSelector("#tenant-table tbody tr"))).hasSize(PAGE);
        d.findElement(By.id("tenant-search")).sendKeys("tenant-04242");
        wait.until(ExpectedConditions.numberOfElementsToBe(
            By.cssSelector("#tenant-table tbody tr"), 1));
        assertThat(d.findElement(By.cssSelector("#tenant-table tbody tr")).getAttribute("data-tenant"))
            .isEqualTo("tenant-04242");
      }
    }
  }

  /**
   * Tenant i gets 1 + i / 1000 jobs of a function nobody serves, so they stay queued;
   * tenant-07777 gets 25.
   */
  private static void seed(Engine engine) {
    engine.configureFunction(dev.croupier.api.FunctionSpec.newBuilder("idle").build());
    List<JobRequest> batch = new ArrayList<>();
    for (int i = 0; i < TENANTS; i++) {
      String tenant = String.format("tenant-%05d", i);
      for (int j = 0; j < (i == 7777 ? 25 : 1 + i / 1000); j++) {
        batch.add(JobRequest.of(tenant, "idle", new byte[8]));
      }
      if (batch.size() >= 2000) {
        engine.enqueueBatch(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      engine.enqueueBatch(batch);
    }
  }

  /** Commands Redis has run, scripts' inner calls included (INFO commandstats). */
  static long commands(RedisClient redis) {
    long total = 0;
    for (String line : redis.info("commandstats").split("\r?\n")) {
      int calls = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && calls > 0) {
        int end = line.indexOf(',', calls);
        total += Long.parseLong(line.substring(calls + 6, end));
      }
    }
    return total;
  }
}
