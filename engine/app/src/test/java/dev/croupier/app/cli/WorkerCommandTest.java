package dev.croupier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.app.cli.EnqueueCommandTest.Run;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code croupier worker} against a live node. */
class WorkerCommandTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void worker_whoseFunctionIsRefusedWithConflict_exitsNonZeroWithTheError() throws Exception {
    try (EngineRuntime engine = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
            .namespace(REDIS.newNamespace()).build());
        NodeServer node = NodeServer.start(engine, ServerOptions.newBuilder().port(0).build())) {
      // Registered with another lease timeout than the command's default: CONFLICT.
      engine.engine().registerFunction(FunctionSpec.newBuilder("taken")
          .leaseTimeout(Duration.ofSeconds(5)).build());
      CompletableFuture<Run> run = new CompletableFuture<>();
      Thread.ofPlatform().daemon().start(() -> run.complete(EnqueueCommandTest.run("worker",
          "--connect", "127.0.0.1:" + node.address().getPort(), "--function", "taken")));
      Run r = run.get(30, TimeUnit.SECONDS); // it used to keep running, "serving" nothing
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("CONFLICT", "taken");
      assertThat(r.out()).doesNotContain("worker serving");
    }
  }
}
