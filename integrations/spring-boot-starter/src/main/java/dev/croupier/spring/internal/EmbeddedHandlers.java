package dev.croupier.spring.internal;

import dev.croupier.api.CroupierException;
import dev.croupier.engine.Engine;
import dev.croupier.spring.CroupierConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handlers in the embedded engine. Stopping unregisters every function (the engine then
 * claims none of their jobs) and waits for running handlers; the engine itself stays open for
 * producers until the context destroys it.
 */
public final class EmbeddedHandlers extends HandlerLifecycle {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedHandlers.class);

  private final Engine engine;
  private final InFlight inFlight = new InFlight();
  private final List<String> registered = new ArrayList<>();

  /** Handlers from {@code scanner} run in {@code engine}, drained for up to {@code grace}. */
  public EmbeddedHandlers(Engine engine, HandlerScanner scanner, Duration grace) {
    super(scanner, grace);
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  @Override
  protected synchronized void startHandlers(List<ResolvedHandler> handlers) {
    for (ResolvedHandler h : handlers) {
      try {
        engine.register(h.spec(), h.maxInFlight(), inFlight.track(h.handler()));
      } catch (CroupierException e) {
        unregisterAll();
        throw new CroupierConfigurationException("function '" + h.function() + "' of " + h.source()
            + " could not be registered: " + e.getMessage(),
            "if its config changed, make it match the stored one or store the new one with "
                + "Engine.configureFunction; if Redis is unreachable, check croupier.embedded.redis-url", e);
      }
      registered.add(h.function());
    }
  }

  @Override
  protected void stopHandlers(Duration grace) {
    synchronized (this) {
      unregisterAll();
    }
    try {
      if (!inFlight.awaitIdle(grace)) {
        log.warn("{} Croupier job(s) still running after the shutdown grace of {}; they are "
            + "interrupted when the engine closes and delivered again after their lease",
            inFlight.running(), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Handler calls in progress now. */
  public int running() {
    return inFlight.running();
  }

  private void unregisterAll() {
    registered.forEach(engine::unregister);
    registered.clear();
  }
}
