package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.croupier.bench.report.Json;
import dev.croupier.testing.RedisServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * {@code croupier demo} through the command line, scaled down: its options reach the preset and
 * {@code --json} prints one JSON object with the documented keys and nothing else. (The preset's
 * figures are tested in bench: NoisyNeighbourDemoTest.)
 */
class DemoCommandTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final List<String> TENANT_FIELDS = List.of("enqueued", "started", "done",
      "first_start_ms", "wait_p50_ms", "wait_p99_ms", "big_queued_at_first_start");

  @Test
  void demoJson_printsOneObjectWithBothRunsEveryTenantAndEveryField_andLeavesNoKeys() {
    StringWriter out = new StringWriter();
    CommandLine cli = CroupierCommand.commandLine();
    cli.setOut(new PrintWriter(out));

    int exitCode = cli.execute("demo", "--redis", REDIS.url(), "--json", "--quiet",
        "--big", "400", "--small", "7", "--slots", "4", "--job-ms", "2", "--small-delay", "50",
        "--claim-threads", "1", "--seconds", "5");

    assertThat(exitCode).as("exit code; stdout: %s", out).isZero();
    JsonNode json = Json.read(out.toString());
    assertThat(fieldNames(json)).containsExactly("fifo", "croupier");
    for (String run : List.of("fifo", "croupier")) {
      JsonNode tenants = json.get(run).get("tenants");
      assertThat(fieldNames(tenants)).containsExactly("A", "B", "C", "D");
      for (String t : List.of("A", "B", "C", "D")) {
        JsonNode tenant = tenants.get(t);
        assertThat(fieldNames(tenant)).as("%s %s", run, t).containsExactlyElementsOf(TENANT_FIELDS);
        assertThat(tenant.get("enqueued").asLong()).isEqualTo(t.equals("A") ? 400 : 7);
      }
    }
    try (RedisClient redis = REDIS.client()) {
      assertThat(redis.scan(ScanParams.SCAN_POINTER_START,
          new ScanParams().match("*demo-*").count(100_000)).getResult()).isEmpty();
    }
  }

  @Test
  void demo_withABadOption_exitsNonZeroAndSaysWhichValue() {
    StringWriter err = new StringWriter();
    CommandLine cli = CroupierCommand.commandLine();
    cli.setErr(new PrintWriter(err));

    int exitCode = cli.execute("demo", "--redis", REDIS.url(), "--quiet", "--claim-threads", "0");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("claimThreads", "0");
  }

  private static List<String> fieldNames(JsonNode node) {
    assertThat(node.isObject()).as("an object: %s", node).isTrue();
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }
}
