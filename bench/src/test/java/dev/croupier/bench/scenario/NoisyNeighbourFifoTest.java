package dev.croupier.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.bench.contender.FifoListContender;
import dev.croupier.bench.metrics.RunFigures;
import dev.croupier.bench.metrics.TenantFigures;
import dev.croupier.bench.report.Json;
import dev.croupier.bench.report.Report;
import dev.croupier.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/** The naive contender on its own: a FIFO list makes late tenants wait for the whole backlog. */
class NoisyNeighbourFifoTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void fifo_whenBigBacklogIsQueued_smallTenantsStartOnlyAfterItAllStarted() {
    ScenarioSettings settings = fifoSettings(Duration.ofSeconds(15), 8, 1.0);
    NoisyNeighbourOptions workload =
        NoisyNeighbourDemo.workload(3_000, 20, Duration.ofMillis(5), Duration.ofMillis(300));

    RunFigures run = fifoRun(workload, settings);

    assertThat(run.drained()).isTrue();
    assertThat(run.tenant("A").done()).isEqualTo(3_000);
    for (String t : NoisyNeighbourDemo.SMALL_TENANTS) {
      TenantFigures small = run.tenant(t);
      assertThat(small.enqueued()).isEqualTo(20);
      assertThat(small.done()).isEqualTo(20);
      // Strict FIFO: the first small job starts only once every job of A ahead of it was popped
      // (a few popped ones may not have counted their start yet: at most one per other slot).
      assertThat(small.bigQueuedAtFirstStart()).isLessThan(settings.slots());
      // 3,000 jobs on 8 slots of 5 ms take >= 1.9 s; less 300 ms of head start, B waits > 1 s.
      assertThat(small.firstStartMs()).isGreaterThan(1_000.0);
      assertThat(small.waitP50Ms()).isLessThanOrEqualTo(small.waitP99Ms());
    }
  }

  @Test
  void fifo_whenTimeRunsOut_isNotDrained_andLeavesNoKeysBehind() {
    ScenarioSettings settings = fifoSettings(Duration.ofSeconds(1), 2, 1.0);
    NoisyNeighbourOptions workload =
        NoisyNeighbourDemo.workload(5_000, 10, Duration.ofMillis(5), Duration.ofMillis(300));

    RunFigures run = fifoRun(workload, settings);

    assertThat(run.drained()).isFalse();
    assertThat(run.tenant("A").done()).isLessThan(5_000);
    assertNoKeysLeft(settings);
  }

  @Test
  void benchmark_fifo_reportsEveryLateTenantsFirstStartAndWaits() {
    // The backlog takes >= 1.25 s to start (1,000 x 10 ms / 8 slots): the run must outlast it,
    // with room for a loaded machine, for late tenants to start at all.
    ScenarioSettings settings = fifoSettings(Duration.ofSeconds(5), 8, 0.001);

    Report report = new NoisyNeighbourScenario().run(settings);

    JsonNode fifo = Json.read(Json.write(report.toJson())).get("contenders").get(FifoListContender.NAME);
    assertThat(fifo.has("error")).as("contender error: %s", fifo).isFalse();
    assertThat(fifo.get("lateFirstStartNanos")).hasSize(NoisyNeighbourOptions.DEFAULT_LATE_TENANT_COUNT);
    assertThat(fifo.get("lateJobsTotal").asLong()).isEqualTo(200);
    assertThat(fifo.get("lateJobsStarted").asLong()).isBetween(1L, 200L);
    assertThat(fifo.get("backlogLoadSeconds").asDouble()).isPositive();
    // Loaded before the workers start, the 1,000-job backlog goes first: 1,000 x 10 ms / 8 slots.
    assertThat(fifo.get("lateFirstStartMaxNanos").asLong()).isGreaterThan(500_000_000L);
    assertThat(report.toMarkdown()).contains("| " + FifoListContender.NAME);
    assertNoKeysLeft(settings);
  }

  private static ScenarioSettings fifoSettings(Duration duration, int slots, double scale) {
    return new ScenarioSettings(REDIS.url(), REDIS.newNamespace(), duration, scale, slots,
        List.of(FifoListContender.NAME), Path.of("target"), false, 42, "test", 0, 0);
  }

  private static RunFigures fifoRun(NoisyNeighbourOptions workload, ScenarioSettings settings) {
    NoisyNeighbourScenario.Outcome outcome = new NoisyNeighbourScenario(workload, null).compare(settings);
    assertThat(outcome.runs()).as("report: %s", outcome.report().toJson()).containsOnlyKeys(FifoListContender.NAME);
    return outcome.runs().get(FifoListContender.NAME);
  }

  private static void assertNoKeysLeft(ScenarioSettings settings) {
    try (RedisClient redis = REDIS.client()) {
      assertThat(redis.scan(ScanParams.SCAN_POINTER_START,
          new ScanParams().match("b" + settings.runId() + "-*").count(100_000)).getResult()).isEmpty();
    }
  }
}
