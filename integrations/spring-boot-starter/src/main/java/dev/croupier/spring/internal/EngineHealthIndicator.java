package dev.croupier.spring.internal;

import dev.croupier.engine.Engine;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up when the embedded engine's Redis answers. It asks with one read of a job that cannot exist
 * (a well-formed id in shard 0): the same path enqueues and lookups take, without a connection
 * or a command of its own.
 */
public final class EngineHealthIndicator extends AbstractHealthIndicator {

  /** A valid job id no engine ever hands out (its time and random parts are all zero). */
  static final String PROBE_JOB_ID = "0-" + "0".repeat(26);

  private final Engine engine;
  private final EmbeddedHandlers handlers;

  /** Reports on {@code engine} and the handlers it runs. */
  public EngineHealthIndicator(Engine engine, EmbeddedHandlers handlers) {
    super("Croupier's Redis is unreachable");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("mode", "embedded")
        .withDetail("redis", EngineSettings.redacted(engine.options().redisUrl()))
        .withDetail("namespace", engine.options().namespace())
        .withDetail("handlersRunning", handlers.isRunning())
        .withDetail("jobsRunning", handlers.running());
    engine.lookup(PROBE_JOB_ID);
    builder.up();
  }
}
