package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.app.cli.EnqueueCommandTest.Run;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bad command-line values are refused up front, with a message about the value, before anything
 * connects anywhere.
 */
class CliValidationTest {

  /** A Redis URL nothing listens on: reaching it would fail, so no message may be about it. */
  static final String NO_REDIS = "redis://127.0.0.1:1";

  static Run run(String... args) {
    long start = System.nanoTime();
    Run r = EnqueueCommandTest.run(args);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once: %s", r)
        .isLessThan(Duration.ofSeconds(10));
    return r;
  }

  @Test
  void serve_withPortOutOfRange_isRefusedBeforeConnectingToRedis() {
    Run r = run("serve", "--redis", NO_REDIS, "--port", "99999");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("port", "99999", "65535").doesNotContain("cannot reach Redis");
  }

  @Test
  void serve_withAdminPortOutOfRange_isRefusedBeforeConnectingToRedis() {
    Run r = run("serve", "--redis", NO_REDIS, "--port", "0", "--admin-port", "70000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--admin-port", "70000").doesNotContain("cannot reach Redis");
  }

  @Test
  void serve_withUnreadableTlsFiles_isRefusedBeforeConnectingToRedis() {
    Run r = run("serve", "--redis", NO_REDIS, "--port", "0",
        "--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("TLS", "/nonexistent/cert.pem").doesNotContain("cannot reach Redis");
  }

  @Test
  void serve_withUnknownHost_isRefusedBeforeConnectingToRedis() {
    Run r = run("serve", "--redis", NO_REDIS, "--port", "0", "--host", "no-such-host.invalid");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no-such-host.invalid").doesNotContain("cannot reach Redis");
  }

  @Test
  void serve_withRedisPortOutOfRange_saysThePortIsInvalid_notThatRedisIsUnreachable() {
    Run r = run("serve", "--redis", "redis://127.0.0.1:99999", "--port", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("99999", "port").doesNotContain("cannot reach");
  }

  @Test
  void serve_withScriptBudgetOutOfRange_isRefusedBeforeConnectingToRedis() {
    Run r = run("serve", "--redis", NO_REDIS, "--port", "0", "--script-budget", "2000000");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--script-budget", "2000000").doesNotContain("cannot reach Redis");
  }

  @Test
  void enqueue_withNegativeTimeout_isRefused() {
    Run r = run("enqueue", "--connect", "127.0.0.1:1", "--tenant", "acme", "--function", "f",
        "--wait", "--timeout", "-1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--timeout", "-1");
  }

  @Test
  void enqueue_withPortOutOfRange_saysThePortIsInvalid_notUnreachable() {
    Run r = run("enqueue", "--connect", "127.0.0.1:99999", "--tenant", "acme", "--function", "f");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("port", "99999").doesNotContain("cannot connect");
  }

  @Test
  void worker_withPortOutOfRange_saysThePortIsInvalid_notUnreachable() {
    Run r = run("worker", "--connect", "127.0.0.1:99999", "--function", "f");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("port", "99999").doesNotContain("cannot connect");
  }
}
