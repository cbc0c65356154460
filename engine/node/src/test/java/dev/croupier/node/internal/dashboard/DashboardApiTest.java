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
  void tenantPages_areSortedPagedAndSearched_andBadQueriesRefused() {
    engine.configureFunction(FunctionSpec.newBuilder("idle").build());
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j <= i; j++) {
        engine.enqueue("t" + i, "idle", new byte[0], EnqueueOptions.DEFAULTS);
      }
    }
    JsonNode first = json(http.get("/api/tenants?sort=backlog&limit=2"));
    assertThat(first.get("total").asLong()).isEqualTo(5);
    assertThat(first.at("/items/0/tenant").asText()).isEqualTo("t4");
    assertThat(first.at("/items/0/queued").asLong()).isEqualTo(5);
    assertThat(first.at("/items/1/tenant").asText()).isEqualTo("t3");
    String cursor = first.get("nextCursor").asText();
    JsonNode second = json(http.get("/api/tenants?sort=backlog&limit=2&cursor=" + cursor));
    assertThat(second.at("/items/0/tenant").asText()).isEqualTo("t2");
    JsonNode byName = json(http.get("/api/tenants?sort=name&limit=10"));
    assertThat(byName.get("items")).extracting(n -> n.get("tenant").asText())
        .containsExactly("t0", "t1", "t2", "t3", "t4");
    assertThat(byName.get("nextCursor").isNull()).isTrue();
    JsonNode found = json(http.get("/api/tenants?tenant=t1,t3"));
    assertThat(found.get("items")).extracting(n -> n.get("tenant").asText())
        .containsExactlyInAnyOrder("t1", "t3");

    assertThat(http.get("/api/tenants?sort=size").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/tenants?limit=201").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/tenants?limit=ten").statusCode()).isEqualTo(400);
    assertThat(http.get("/api/tenants?tenant=a%20b").statusCode()).isEqualTo(400);
    HttpResponse<String> badCursor = http.get("/api/tenants?sort=name&cursor=o:2");
    assertThat(badCursor.statusCode()).isEqualTo(400);
    assertThat(json(badCursor).get("error").asText()).contains("cursor");
  }

  @Test
  void deadLetters_arePaged_explained_replayedAndPurgedInBulk() {
    engine.register(FunctionSpec.newBuilder("fails")
        .retry(new RetryPolicy(1, Duration.ofMillis(10), 2, Duration.ofMillis(10))).build(), 1,
        job -> {
          throw new PermanentFailureException("boom");
        });
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(engine.enqueue("acme", "fails", new byte[0], EnqueueOptions.DEFAULTS).jobId());
    }
    for (String id : ids) {
      assertThat(engine.await(id, Duration.ofSeconds(10)).state()).isEqualTo(JobState.DEAD);
    }
    engine.unregister("fails");

    JsonNode page = json(http.get("/api/dead-letters?tenant=acme&limit=2"));
    assertThat(page.get("total").asLong()).isEqualTo(5);
    assertThat(page.get("items")).hasSize(2);
    JsonNode next = json(http.get("/api/dead-letters?tenant=acme&limit=2&cursor="
        + page.get("nextCursor").asText()));
    assertThat(next.get("items")).hasSize(2);

    JsonNode why = json(http.get("/api/jobs/" + ids.get(0))).get("explanation");
    assertThat(why.get("reason").asText()).isEqualTo("DEAD");
    assertThat(why.get("message").asText()).contains("boom");
    assertThat(why.at("/details/lastError").asText()).contains("boom");

    assertThat(json(http.post("/api/dead-letters/" + ids.get(0) + "/purge", null)).get("ok")
        .asBoolean()).isTrue();
    assertThat(engine.lookup(ids.get(0))).isEmpty();
    assertThat(json(http.post("/api/dead-letters/replay-all?tenant=acme&max=2", null))
        .get("message").asText()).contains("replayed 2");
    assertThat(json(http.post("/api/dead-letters/purge?tenant=acme", null)).get("message").asText())
        .contains("purged 2");
    assertThat(json(http.get("/api/dead-letters?tenant=acme")).get("total").asLong()).isZero();
    assertThat(http.post("/api/dead-letters/purge", null).statusCode()).isEqualTo(400);
  }

  @Test
  void functions_showLimits_andPause() {
    engine.configureFunction(FunctionSpec.newBuilder("resize").concurrencyLimit(4)
        .perTenantLimit(2).keyedLimit("provider", 3).build());
    JsonNode f = json(http.get("/api/functions/resize"));
    assertThat(f.get("concurrencyLimit").asInt()).isEqualTo(4);
    assertThat(f.get("perTenantLimit").asInt()).isEqualTo(2);
    assertThat(f.at("/keyedLimits/0/key").asText()).isEqualTo("provider");
    assertThat(f.get("registration").asText()).isEqualTo("CONFIGURED");
    assertThat(json(http.get("/api/functions")).get("items"))
        .extracting(n -> n.get("name").asText()).contains("resize");
    assertThat(http.post("/api/functions/resize/pause", null).statusCode()).isEqualTo(200);
    assertThat(engine.isFunctionPaused("resize")).isTrue();
    assertThat(http.post("/api/functions/resize/resume", null).statusCode()).isEqualTo(200);
    assertThat(engine.isFunctionPaused("resize")).isFalse();
    assertThat(http.get("/api/functions/unknown").statusCode()).isEqualTo(404);
  }
}
