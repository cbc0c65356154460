package dev.croupier.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python client's own unit tests (stdlib unittest, including its tests against a real node)
 * and the conformance suite's Python runner, against a real node on the test Redis.
 */
class PythonClientTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static ConformanceNode node;

  @BeforeAll
  static void start() throws Exception {
    Python.requireRuntime();
    node = new ConformanceNode(REDIS);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void pythonUnitTests_pass() throws Exception {
    Python.Result r = Python.run(Map.of("CROUPIER_TEST_NODE", node.address()), Duration.ofMinutes(3),
        "-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v");
    assertThat(r.exitCode()).as("python3 -m unittest:\n%s", r.output()).isZero();
    Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(r.output());
    assertThat(ran.find()).as(r.output()).isTrue();
    assertThat(Integer.parseInt(ran.group(1))).as("tests run").isGreaterThan(30);
    assertThat(r.output()).as("the live-node tests must run here, not skip").doesNotContain("skipped");
  }

  @Test
  void pythonConformanceRunner_passesEveryFrameAndSession() throws Exception {
    String runner = Suite.dir().resolve("python/run.py").toString();
    Python.Result r = Python.run(Duration.ofMinutes(3), runner, "--node", node.address());
    assertThat(r.exitCode()).as("conformance/python/run.py:\n%s", r.output()).isZero();
    long cases = Suite.files("golden").stream().mapToLong(f -> Suite.read(f).get("cases").size()).sum();
    long sessions = Suite.files("sessions").stream().map(Path::toString).count();
    assertThat(r.output()).as(r.output()).contains("conformance: " + (cases + sessions) + " passed, 0 failed");
  }
}
