package dev.croupier.app.cli;

import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.engine.EngineOptions;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.config.Tokens;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code croupier enqueue} against a live node: output and exit codes. */
class EnqueueCommandTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static EngineRuntime engine;
  static NodeServer open;
  static NodeServer guarded;
  static Worker worker;

  @BeforeAll
  static void start() {
    engine = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).build());
    open = NodeServer.start(engine, ServerOptions.newBuilder().port(0).build());
    guarded = NodeServer.start(engine, ServerOptions.newBuilder().host("127.0.0.1").port(0)
        .tokens(Tokens.parse("test", List.of("producer-acme producer acme"))).build());
    worker = Worker.create(WorkerOptions.newBuilder().address(address(open)).build())
        .register(FunctionSpec.newBuilder("ok").build(), 8, job -> {})
        .register(FunctionSpec.newBuilder("broken").build(), 8, job -> {
          throw new PermanentFailureException("always fails");
        })
        .start();
    assertThat(worker.awaitReady(Duration.ofSeconds(30))).isTrue();
  }

  @AfterAll
  static void stop() {
    worker.close();
    guarded.close();
    open.close();
    engine.close();
  }

  static String address(NodeServer node) {
    return "127.0.0.1:" + node.address().getPort();
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CroupierCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void enqueueWait_whenAllSucceed_printsDoneAndExitsZero() {
    Run r = run("enqueue", "--connect", address(open), "--tenant", "acme", "--function", "ok",
        "--count", "120", "--wait", "--timeout", "60");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("done=120 failed=0 timed_out=0 elapsed_ms=");
  }

  @Test
  void enqueueWait_whenJobsFail_countsThemAndExitsNonZero() {
    Run r = run("enqueue", "--connect", address(open), "--tenant", "acme", "--function", "broken",
        "--count", "5", "--wait", "--timeout", "60");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("done=0 failed=5");
  }

  @Test
  void enqueue_whenServerSaysNo_printsItsMessageAndExitsNonZero() {
    Run unknownFunction = run("enqueue", "--connect", address(open), "--tenant", "acme",
        "--function", "nobody-serves-this", "--count", "1");
    assertThat(unknownFunction.exit()).isNotZero();
    assertThat(unknownFunction.err()).contains("INVALID_REQUEST").contains("nobody-serves-this");

    Run otherTenant = run("enqueue", "--connect", address(guarded), "--token", "producer-acme",
        "--tenant", "globex", "--function", "ok", "--count", "1");
    assertThat(otherTenant.exit()).isNotZero();
    assertThat(otherTenant.err()).contains("PERMISSION_DENIED").contains("globex");

    Run noToken = run("enqueue", "--connect", address(guarded), "--tenant", "acme",
        "--function", "ok", "--count", "1");
    assertThat(noToken.exit()).isNotZero();
    assertThat(noToken.err()).contains("UNAUTHENTICATED");
  }

  @Test
  void enqueue_withoutWait_printsHowManyAndTheIds() {
    Run r = run("enqueue", "--connect", address(open), "--tenant", "acme", "--function", "ok",
        "--count", "2", "--payload", "hello");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("enqueued=2");
    assertThat(r.out().lines().filter(l -> l.matches("\\d+-[0-9A-Z]{26}"))).hasSize(2);
  }
}
