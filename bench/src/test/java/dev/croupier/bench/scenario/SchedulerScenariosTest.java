package dev.croupier.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.bench.contender.Contenders;
import dev.croupier.bench.contender.TenantRingContender;
import dev.croupier.bench.report.Json;
import dev.croupier.bench.report.Report;
import dev.croupier.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Short runs of the scenarios that measure the scheduler rewrite, on the real Redis: each
 * contender completes and reports its figures, its per-job profile included. The figures
 * themselves are the benchmark's business; here they only have to exist and be in range.
 */
class SchedulerScenariosTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void sharesEqual_reportsJain_sharesByPlan_andTheProfile() {
    JsonNode c = run(new SharesScenario(SharesScenario.Variant.EQUAL), 0.05, 0, Contenders.CROUPIER_WEIGHTED)
        .get(Contenders.CROUPIER_WEIGHTED);

    assertThat(c.get("jain").asDouble()).isBetween(0.02, 1.0);
    assertThat(c.get("tenantsBacklogged").asInt()).isEqualTo(SharesScenario.EQUAL_TENANTS);
    assertThat(c.get("shareOverFairByPlan")).hasSize(4);
    assertThat(c.get("profile").get("redisCommandsPerJob").asDouble()).isPositive();
  }

  @Test
  void sharesSpread_withRivals_runsThatManyTenants_andReportsTheSpreader() {
    Report report = report(new SharesScenario(SharesScenario.Variant.SPREAD), 0.05, 4, Contenders.CROUPIER_WEIGHTED);
    JsonNode json = Json.read(Json.write(report.toJson()));

    assertThat(json.get("parameters").get("tenants").asInt()).isEqualTo(5);
    assertThat(json.get("contenders").get(Contenders.CROUPIER_WEIGHTED).get("spreaderShareOverFair").asDouble())
        .isPositive();
    assertThat(report.toMarkdown()).contains("4 rivals");
  }

  @Test
  void sharesCost100_reportsTheLongJobTenantsSlotTime() {
    JsonNode c = run(new SharesScenario(SharesScenario.Variant.COST_100), 0.05, 0, TenantRingContender.NAME)
        .get(TenantRingContender.NAME);

    // Count round-robin: long jobs hold the slots, far beyond the long-job tenants' fair part.
    assertThat(c.get("longJobTenantsShare").asDouble()).isGreaterThan(c.get("longJobTenantsFairShare").asDouble());
    assertThat(c.get("minShareOverFair").asDouble()).isLessThan(c.get("maxShareOverFair").asDouble());
  }

  @Test
  void weightChange_weightedContenderGetsFigures_aDesignWithoutWeightsGetsNone() {
    JsonNode cs = run(new WeightChangeScenario(), 0.05, 0, TenantRingContender.NAME, Contenders.CROUPIER_WEIGHTED);

    JsonNode ring = cs.get(TenantRingContender.NAME);
    assertThat(ring.get("takesWeights").asBoolean()).isFalse();
    assertThat(ring.has("overshoot")).isFalse();
    // Count round-robin over 10 tenants: t000 gets its tenth before the change.
    assertThat(ring.get("beforeShareOverFair").asDouble()).isBetween(0.7, 1.3);
    JsonNode croupier = cs.get(Contenders.CROUPIER_WEIGHTED);
    assertThat(croupier.get("takesWeights").asBoolean()).isTrue();
    assertThat(croupier.get("overshoot").asDouble()).isPositive();
    assertThat(croupier.get("windowsAfter").size()).isEqualTo(WeightChangeScenario.WINDOWS / 2);
  }

  @Test
  void churn_startsEverySmallTenant_andKeepsTheSlotsBusy() {
    JsonNode c = run(new ChurnScenario(), 0.005, 0, Contenders.CROUPIER_WEIGHTED).get(Contenders.CROUPIER_WEIGHTED);

    assertThat(c.get("smallTenantsStarted").asLong()).isEqualTo(50);
    assertThat(c.get("busyFraction").asDouble()).isBetween(0.1, 1.0);
    assertThat(c.get("backlogRanDry").asBoolean()).isFalse();
    assertThat(c.get("profile").get("redisCpuMicrosPerJob").asDouble()).isPositive();
  }

  private static JsonNode run(Scenario scenario, double scale, int rivals, String... contenders) {
    JsonNode all = Json.read(Json.write(report(scenario, scale, rivals, contenders).toJson())).get("contenders");
    for (String name : contenders) {
      assertThat(all.get(name).has("error")).as("%s: %s", name, all.get(name).get("error")).isFalse();
    }
    return all;
  }

  private static Report report(Scenario scenario, double scale, int rivals, String... contenders) {
    ScenarioSettings settings = new ScenarioSettings(REDIS.url(), REDIS.newNamespace(), Duration.ofSeconds(2),
        scale, 8, List.of(contenders), Path.of("target"), false, 42, "test", 0, rivals);
    return scenario.run(settings);
  }
}
