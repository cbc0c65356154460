package dev.croupier.conformance;

import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.NodeServer;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.node.config.Tokens;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real node on the test Redis, as the conformance sessions expect it: the suite's tokens file
 * ({@code conformance/tokens}), pings after 1 s of silence, the default 4 MiB frame limit.
 */
final class ConformanceNode implements AutoCloseable {

  private final EngineRuntime runtime;
  private final NodeServer server;

  ConformanceNode(RedisServerExtension redis) {
    this(redis, b -> b);
  }

  ConformanceNode(RedisServerExtension redis, UnaryOperator<ServerOptions.Builder> customize) {
    runtime = EngineRuntime.host(EngineOptions.newBuilder()
        .redisUrl(redis.url())
        .namespace(redis.newNamespace())
        .scavengeInterval(Duration.ofMillis(100))
        .shutdownGrace(Duration.ofSeconds(1))
        .build());
    try {
      server = NodeServer.start(runtime, customize.apply(ServerOptions.newBuilder()
          .port(0)
          .tokens(Tokens.load(Suite.dir().resolve("tokens")))
          .pingInterval(Duration.ofSeconds(1))
          .drainGrace(Duration.ofSeconds(1))).build());
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** host:port on loopback. */
  String address() {
    return "127.0.0.1:" + server.address().getPort();
  }

  int port() {
    return server.address().getPort();
  }

  @Override
  public void close() {
    server.close();
    runtime.close();
  }
}
