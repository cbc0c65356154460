package dev.croupier.node.internal.server;

import dev.croupier.node.config.ServerOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Engine nodes for end-to-end tests: each an engine plus its server, all on one Redis namespace.
 * Closing it stops whatever is still running.
 */
final class Nodes implements AutoCloseable {

  private final List<Engine> engines = new ArrayList<>();
  private final List<Node> servers = new ArrayList<>();
  private final EngineOptions engineOptions;

  Nodes(RedisServerExtension redis) {
    this(redis.url(), redis.newNamespace());
  }

  /** Nodes on the Redis at {@code redisUrl}, in {@code namespace}. */
  Nodes(String redisUrl, String namespace) {
    this(redisUrl, namespace, b -> b);
  }

  /** Nodes whose engines run with test-friendly options as {@code customize} changes them. */
  Nodes(RedisServerExtension redis, UnaryOperator<EngineOptions.Builder> customize) {
    this(redis.url(), redis.newNamespace(), customize);
  }

  private Nodes(String redisUrl, String namespace, UnaryOperator<EngineOptions.Builder> customize) {
    this.engineOptions = customize.apply(EngineOptions.newBuilder()
        .redisUrl(redisUrl)
        .namespace(namespace)
        .scavengeInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(1)))
        .build();
  }

  /** The key namespace on Redis. */
  String namespace() {
    return engineOptions.namespace();
  }

  /** Starts a node on a free loopback port with test-friendly server options. */
  Node start(UnaryOperator<ServerOptions.Builder> customize) {
    EngineRuntime runtime = EngineRuntime.host(engineOptions);
    engines.add(runtime.engine());
    Node server = Node.start(runtime.engine(), runtime.leases(), customize.apply(ServerOptions.newBuilder()
        .port(0)
        .drainGrace(Duration.ofSeconds(2))).build());
    servers.add(server);
    return server;
  }

  Node start() {
    return start(b -> b);
  }

  Engine engine(int i) {
    return engines.get(i);
  }

  /** Stops node {@code i}: its server drains and closes, then its engine. */
  void stop(int i) {
    servers.get(i).close();
    engines.get(i).close();
  }

  static String address(Node server) {
    return "127.0.0.1:" + server.address().getPort();
  }

  @Override
  public void close() {
    servers.forEach(Node::close);
    engines.forEach(Engine::close);
  }
}
