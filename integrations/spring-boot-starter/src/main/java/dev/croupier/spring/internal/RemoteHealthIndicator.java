package dev.croupier.spring.internal;

import dev.croupier.worker.CroupierClient;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Up when this application is connected to an engine node: its worker (when it runs handlers)
 * has a connection, and its producer (when enabled) has one or can open one now.
 */
public final class RemoteHealthIndicator extends AbstractHealthIndicator {

  private final CroupierClient client;
  private final RemoteHandlers handlers;

  /** Reports on {@code client} (null when the producer is off) and the worker of {@code handlers}. */
  public RemoteHealthIndicator(CroupierClient client, RemoteHandlers handlers) {
    super("Croupier's engine nodes are unreachable");
    this.client = client;
    this.handlers = Objects.requireNonNull(handlers, "handlers");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean up = true;
    builder.withDetail("mode", "remote");
    if (handlers.hasWorker()) {
      boolean connected = handlers.connected();
      builder.withDetail("worker", connected ? "connected" : "disconnected")
          .withDetail("jobsRunning", handlers.running());
      up = connected;
    }
    if (client != null) {
      boolean connected = client.checkConnection();
      builder.withDetail("producer", connected ? "connected" : "disconnected");
      up &= connected;
    }
    if (up) {
      builder.up();
    } else {
      builder.down();
    }
  }
}
