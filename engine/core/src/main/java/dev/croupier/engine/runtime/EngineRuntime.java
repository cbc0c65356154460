package dev.croupier.engine.runtime;

import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.RealEngine;
import dev.croupier.engine.spi.Leases;
import java.util.Objects;

/**
 * Starts engines. The one place that knows the implementation, so the public API and the
 * internals never import each other in a circle.
 *
 * <pre>{@code
 * try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(url).build())) {
 *   engine.enqueue("acme", "send-sms", payload);
 * }
 * }</pre>
 */
public final class EngineRuntime implements AutoCloseable {

  private final Engine engine;
  private final Leases leases;

  private EngineRuntime(RealEngine engine) {
    this.engine = engine;
    this.leases = engine.leases();
  }

  /** Connects to Redis as {@code options} say and starts the claim loops and the scavenger. */
  public static Engine start(EngineOptions options) {
    return RealEngine.start(Objects.requireNonNull(options, "options"));
  }

  /**
   * Starts an engine for a host of workers (the node server): the {@link Engine} plus the
   * {@link Leases} port that feeds sinks and settles their leases.
   */
  public static EngineRuntime host(EngineOptions options) {
    return new EngineRuntime(RealEngine.start(Objects.requireNonNull(options, "options")));
  }

  /** The engine. */
  public Engine engine() {
    return engine;
  }

  /** The port for hosts of workers. */
  public Leases leases() {
    return leases;
  }

  /** Closes the engine. */
  @Override
  public void close() {
    engine.close();
  }
}
