package dev.croupier.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.app.cli.CroupierCommand;
import dev.croupier.testing.RedisServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * The whole demo, scaled down, through the command line: {@code demo --json} prints one JSON
 * object with both runs, and Croupier starts the small tenants long before the FIFO list does.
 */
class NoisyNeighbourDemoTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final int BIG = 3_000;
  private static final int SMALL = 20;
  private static final List<String> TENANTS = List.of("A", "B", "C", "D");

  private static int exitCode;
  private static String stdout;
  private static Map<String, Object> json;

  /** One demo run shared by the tests: it takes a few seconds. */
  @BeforeAll
  static void runDemo() {
    StringWriter out = new StringWriter();
    CommandLine cli = CroupierCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    exitCode = cli.execute("demo", "--redis", REDIS.url(), "--json", "--quiet",
        "--big", String.valueOf(BIG), "--small", String.valueOf(SMALL),
        "--slots", "8", "--job-ms", "5", "--seconds", "10");
    stdout = out.toString();
    json = exitCode == 0 ? asMap(MiniJson.parse(stdout)) : Map.of();
  }

  @Test
  void demoJson_isOneObjectWithBothRunsEveryTenantAndEveryField() {
    assertThat(exitCode).as("exit code; stdout: %s", stdout).isZero();
    assertThat(json).containsOnlyKeys("fifo", "croupier");
    for (String run : List.of("fifo", "croupier")) {
      Map<String, Object> tenants = asMap(asMap(json.get(run)).get("tenants"));
      assertThat(tenants).containsOnlyKeys(TENANTS);
      for (String t : TENANTS) {
        Map<String, Object> tenant = asMap(tenants.get(t));
        assertThat(tenant).as("%s %s", run, t).containsKeys(
            "enqueued", "done", "first_start_ms", "wait_p50_ms", "wait_p99_ms");
        assertThat(tenant.get("enqueued")).isEqualTo(t.equals("A") ? (double) BIG : (double) SMALL);
        assertThat((Double) tenant.get("done")).isBetween(0.0, (Double) tenant.get("enqueued"));
      }
    }
  }

  @Test
  void demo_croupierStartsSmallTenantsLongBeforeFifoWhileBigBacklogIsQueued() {
    assertThat(exitCode).as("exit code; stdout: %s", stdout).isZero();
    for (String t : List.of("B", "C", "D")) {
      Map<String, Object> fifo = tenant("fifo", t);
      Map<String, Object> croupier = tenant("croupier", t);
      double fifoFirst = (Double) fifo.get("first_start_ms");
      double croupierFirst = (Double) croupier.get("first_start_ms");

      // FIFO: 3,000 jobs on 8 slots of 5 ms ahead of them, so well over a second.
      assertThat(fifoFirst).as("fifo %s", t).isGreaterThan(1_000.0);
      assertThat(croupierFirst).as("croupier %s", t).isLessThan(250.0).isLessThan(fifoFirst / 5);
      assertThat((Double) croupier.get("big_queued_at_first_start")).as("A queued at %s's start", t)
          .isGreaterThan(BIG / 3.0);
    }
  }

  @Test
  void demo_afterBothRuns_leavesNoKeysBehind() {
    try (RedisClient redis = REDIS.client()) {
      for (String pattern : List.of("*croupier-demo:*", "*demo-*")) {
        assertThat(redis.scan(ScanParams.SCAN_POINTER_START,
            new ScanParams().match(pattern).count(100_000)).getResult()).as(pattern).isEmpty();
      }
    }
  }

  private static Map<String, Object> tenant(String run, String tenant) {
    return asMap(asMap(asMap(json.get(run)).get("tenants")).get(tenant));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }
}
