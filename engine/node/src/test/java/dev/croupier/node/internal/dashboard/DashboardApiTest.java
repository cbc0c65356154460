package dev.croupier.node.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.AdminServer;
import dev.croupier.node.config.Tokens;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DashboardApiTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final String ADMIN = "admin-token-123";
  static final String PRODUCER = "producer-token-123";
  static final ObjectMapper JSON = new ObjectMapper();

  EngineRuntime runtime;
  Engine engine;
  AdminServer admin;
  Http http;

  @BeforeEach
  void start() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).meterRegistry(registry).build());
    engine = runtime.engine();
    Tokens tokens = Tokens.parse("test", List.of(ADMIN + " admin *", PRODUCER + " producer acme"));
    admin = new AdminServer("127.0.0.1", 0, registry, runtime.leases()::redisReachable, engine, tokens);
    http = new Http(admin.port(), ADMIN);
  }

  @AfterEach
  void stop() {
    admin.close();
    runtime.close();
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.body(), e);
    }
  }

  @Test
  void api_needsTheAdminToken_metricsAndPageDoNot() {
    assertThat(http.as(null).get("/api/whoami").statusCode()).isEqualTo(401);
    assertThat(http.as("not-a-token-at-all").get("/api/whoami").statusCode()).isEqualTo(401);
    HttpResponse<String> producer = http.as(PRODUCER).get("/api/tenants/acme");
    assertThat(producer.statusCode()).isEqualTo(403);
    assertThat(producer.body()).contains("ADMIN token");
    assertThat(http.as(PRODUCER).post("/api/tenants/acme/pause", null).statusCode()).isEqualTo(403);
    assertThat(engine.tenant("acme").paused()).isFalse();
    HttpResponse<String> ok = http.get("/api/whoami");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).get("tokens").asBoolean()).isTrue();
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(http.as(null).get("/metrics").statusCode()).isEqualTo(200);
    HttpResponse<String> page = http.as(null).get("/dashboard/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Croupier dashboard</title>");
    assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("script-src 'self'", "frame-ancestors 'none'");
    assertThat(http.as(null).get("/dashboard/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(http.as(null).get("/dashboard/nope.js").statusCode()).isEqualTo(404);
    assertThat(http.as(null).get("/").statusCode()).isEqualTo(302);
  }

  @Test
  void changes_needPostAndTheCsrfHeader() {
    assertThat(http.postWithoutCsrf("/api/tenants/acme/pause").statusCode()).isEqualTo(403);
    assertThat(engine.tenant("acme").paused()).isFalse();
    assertThat(http.get("/api/tenants/acme/pause").statusCode()).isEqualTo(405);
    HttpResponse<String> paused = http.post("/api/tenants/acme/pause", null);
    assertThat(paused.statusCode()).isEqualTo(200);
    assertThat(engine.tenant("acme").paused()).isTrue();
    assertThat(json(http.get("/api/tenants/acme")).at("/paused").asBoolean()).isTrue();
    assertThat(http.post("/api/tenants/acme/resume", null).statusCode()).isEqualTo(200);
    assertThat(engine.tenant("acme").paused()).isFalse();
  }

  @Test
  void tenantSettings_changeWeightAndLimit_andRefuseBadValues() {
    HttpResponse<String> r = http.post("/api/tenants/acme/settings",
        "{\"weight\": 3.5, \"concurrencyLimit\": 7}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(engine.tenant("acme")).isEqualTo(new TenantSettings(3.5, 7, false));
    HttpResponse<String> bad = http.post("/api/tenants/acme/settings", "{\"weight\": -1}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("error").asText()).contains("weight", "-1");
    assertThat(http.post("/api/tenants/acme/settings", "{\"concurrencyLimit\": 1.5}").statusCode())
        .isEqualTo(400);
    assertThat(http.post("/api/tenants/acme/settings", "not json").statusCode()).isEqualTo(400);
    assertThat(http.post("/api/tenants/acme/settings", null).statusCode()).isEqualTo(400);
    assertThat(engine.tenant("acme")).isEqualTo(new TenantSettings(3.5, 7, false));
  }

  @Test
  void badNames_areRefusedBeforeRedis() {
    HttpResponse<String> r = http.get("/api/tenants/bad%20name");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").asText()).contains("'bad name'", "not a valid name");
    assertThat(http.post("/api/functions/a:b/pause", null).statusCode()).isEqualTo(400);
    assertThat(http.get("/api/jobs/not-an-id").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/dead-letters?tenant=x*y").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/dead-letters").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/dead-letters?tenant=a&limit=0").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void jobs_areLookedUp_cancelled_andDeadOnesReplayed() {
    engine.register(FunctionSpec.newBuilder("fails")
        .retry(new RetryPolicy(1, Duration.ofMillis(10), 2, Duration.ofMillis(10))).build(), 1,
        job -> {
          throw new PermanentFailureException("boom");
        });
    String dead = engine.enqueue("acme", "fails", new byte[0], EnqueueOptions.DEFAULTS).jobId();
    assertThat(engine.await(dead, Duration.ofSeconds(10)).state()).isEqualTo(JobState.DEAD);
    engine.unregister("fails");

    JsonNode list = json(http.get("/api/dead-letters?tenant=acme"));
    assertThat(list.at("/items/0/id").asText()).isEqualTo(dead);
    assertThat(list.at("/items/0/lastError").asText()).contains("boom");
    JsonNode job = json(http.get("/api/jobs/" + dead));
    assertThat(job.at("/job/state").asText()).isEqualTo("DEAD");
    assertThat(job.at("/job/tenant").asText()).isEqualTo("acme");

    assertThat(json(http.post("/api/dead-letters/" + dead + "/replay", null)).get("ok").asBoolean())
        .isTrue();
    assertThat(engine.lookup(dead).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    assertThat(json(http.post("/api/dead-letters/" + dead + "/replay", null)).get("ok").asBoolean())
        .isFalse();
    assertThat(json(http.post("/api/jobs/" + dead + "/cancel", null)).get("ok").asBoolean()).isTrue();
    assertThat(engine.lookup(dead).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(http.get("/api/jobs/0-01J00000000000000000000000").statusCode()).isEqualTo(404);
  }

  @Test
  void functions_showLimits_andPause() {
    engine.configureFunction(FunctionSpec.newBuilder("resize").concurrencyLimit(4)
        .perTenantLimit(2).keyedLimit("provider", 3).build());
    JsonNode f = json(http.get("/api/functions/resize"));
    assertThat(f.get("concurrencyLimit").asInt()).isEqualTo(4);
    assertThat(f.get("perTenantLimit").asInt()).isEqualTo(2);
    assertThat(f.at("/keyedLimits/0/key").asText()).isEqualTo("provider");
    assertThat(http.post("/api/functions/resize/pause", null).statusCode()).isEqualTo(200);
    assertThat(engine.isFunctionPaused("resize")).isTrue();
    assertThat(http.post("/api/functions/resize/resume", null).statusCode()).isEqualTo(200);
    assertThat(engine.isFunctionPaused("resize")).isFalse();
    assertThat(http.get("/api/functions/unknown").statusCode()).isEqualTo(404);
  }
}
