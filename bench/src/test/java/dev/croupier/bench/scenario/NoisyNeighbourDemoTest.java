package dev.croupier.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.bench.report.Json;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * The demo preset, scaled down: its JSON holds both runs with every documented field, and
 * Croupier starts the small tenants long before the FIFO list does, while A's backlog is queued.
 */
class NoisyNeighbourDemoTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final int BIG = 3_000;
  private static final int SMALL = 20;
  private static final List<String> TENANTS = List.of("A", "B", "C", "D");
  private static final List<String> TENANT_FIELDS = List.of("enqueued", "started", "done",
      "first_start_ms", "wait_p50_ms", "wait_p99_ms", "big_queued_at_first_start");

  private static NoisyNeighbourDemo.Result result;
  private static JsonNode json;

  /** One demo run shared by the tests: it takes a few seconds. */
  @BeforeAll
  static void runDemo() {
    NoisyNeighbourOptions workload = NoisyNeighbourDemo.workload(BIG, SMALL, Duration.ofMillis(5),
        NoisyNeighbourDemo.DEFAULT_SMALL_DELAY);
    ScenarioSettings settings = NoisyNeighbourDemo.settings(REDIS.url(), Duration.ofSeconds(10), 8,
        NoisyNeighbourDemo.DEFAULT_CLAIM_THREADS);
    result = new NoisyNeighbourDemo(workload, settings, null).run();
    json = Json.read(result.toJson());
  }

  @Test
  void demoJson_isOneObjectWithBothRunsEveryTenantAndEveryField() {
    assertThat(fieldNames(json)).containsExactly("fifo", "croupier");
    for (String run : List.of("fifo", "croupier")) {
      assertThat(fieldNames(json.get(run))).containsExactly("elapsed_ms", "big_enqueue_ms", "drained", "tenants");
      JsonNode tenants = json.get(run).get("tenants");
      assertThat(fieldNames(tenants)).containsExactlyElementsOf(TENANTS);
      for (String t : TENANTS) {
        JsonNode tenant = tenants.get(t);
        assertThat(fieldNames(tenant)).as("%s %s", run, t).containsExactlyElementsOf(TENANT_FIELDS);
        assertThat(tenant.get("enqueued").asLong()).isEqualTo(t.equals("A") ? BIG : SMALL);
        assertThat(tenant.get("done").asLong()).isBetween(0L, tenant.get("enqueued").asLong());
      }
    }
  }

  @Test
  void demo_croupierStartsSmallTenantsLongBeforeFifoWhileBigBacklogIsQueued() {
    for (String t : NoisyNeighbourDemo.SMALL_TENANTS) {
      JsonNode fifo = json.get("fifo").get("tenants").get(t);
      JsonNode croupier = json.get("croupier").get("tenants").get(t);
      double fifoFirst = fifo.get("first_start_ms").asDouble();
      double croupierFirst = croupier.get("first_start_ms").asDouble();

      // FIFO: 3,000 jobs on 8 slots of 5 ms ahead of them, so well over a second.
      assertThat(fifoFirst).as("fifo %s", t).isGreaterThan(1_000.0);
      assertThat(croupierFirst).as("croupier %s", t).isLessThan(250.0).isLessThan(fifoFirst / 5);
      assertThat(croupier.get("big_queued_at_first_start").asLong()).as("A queued at %s's start", t)
          .isGreaterThan(BIG / 3);
    }
  }

  @Test
  void summary_putsBothRunsSideBySide_andEndsWithTheHeadline() {
    List<String> lines = result.summary();

    assertThat(lines).anyMatch(l -> l.contains("FIFO list (LPUSH / BRPOP)") && l.contains("Croupier"));
    for (String t : TENANTS) {
      assertThat(lines).anyMatch(l -> l.startsWith("  " + t + " "));
    }
    assertThat(lines.get(lines.size() - 2)).startsWith("Croupier: B, C and D's first jobs started");
    assertThat(lines.get(lines.size() - 1)).startsWith("FIFO list: the same first jobs started");
  }

  @Test
  void demo_afterBothRuns_leavesNoKeysBehind() {
    try (RedisClient redis = REDIS.client()) {
      assertThat(redis.scan(ScanParams.SCAN_POINTER_START,
          new ScanParams().match("*" + result.settings().runId() + "*").count(100_000)).getResult()).isEmpty();
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    assertThat(node.isObject()).as("an object: %s", node).isTrue();
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }
}
