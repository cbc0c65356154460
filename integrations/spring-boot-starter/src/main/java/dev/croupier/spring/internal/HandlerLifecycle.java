package dev.croupier.spring.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's handlers between the context's start and its shutdown: registers them
 * once every singleton exists, and on stop takes no more jobs and lets running ones finish within
 * the shutdown grace. Stopping happens in the lifecycle's stop phase, before any bean is destroyed,
 * so the beans handlers use are still alive while jobs drain.
 */
public abstract class HandlerLifecycle implements SmartLifecycle, DisposableBean {

  /**
   * Stops early among lifecycles (a higher phase stops first): before the web server's graceful
   * shutdown ({@code DEFAULT_PHASE - 1024}) and the lifecycles most handlers lean on (message
   * listeners, schedulers, connection pools at lower phases), which keep running while jobs drain.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private static final Logger log = LoggerFactory.getLogger(HandlerLifecycle.class);

  private final HandlerScanner scanner;
  private final Duration grace;
  private volatile boolean running;

  /** A lifecycle for the handlers {@code scanner} found, draining for up to {@code grace}. */
  protected HandlerLifecycle(HandlerScanner scanner, Duration grace) {
    this.scanner = Objects.requireNonNull(scanner, "scanner");
    this.grace = Objects.requireNonNull(grace, "grace");
  }

  @Override
  public final void start() {
    List<ResolvedHandler> handlers = scanner.handlers();
    startHandlers(handlers);
    running = true;
    if (!handlers.isEmpty()) {
      log.info("Croupier handlers started: {}",
          handlers.stream().map(h -> h.function() + " (max " + h.maxInFlight() + " in flight)").toList());
    }
  }

  @Override
  public final void stop() {
    if (!running) {
      return;
    }
    running = false;
    long began = System.nanoTime();
    stopHandlers(grace);
    log.info("Croupier handlers stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
  }

  @Override
  public final void stop(Runnable callback) {
    // Spring waits for the callback up to spring.lifecycle.timeout-per-shutdown-phase, while the
    // other lifecycles of this phase stop alongside.
    Thread.ofPlatform().name("croupier-shutdown").daemon().start(() -> {
      try {
        stop();
      } finally {
        callback.run();
      }
    });
  }

  /**
   * Stops if still running: a context whose refresh failed after this lifecycle started destroys
   * its beans without a stop phase.
   */
  @Override
  public final void destroy() {
    stop();
  }

  @Override
  public final boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The shutdown grace. */
  protected final Duration grace() {
    return grace;
  }

  /** Registers {@code handlers} and starts taking their jobs. */
  protected abstract void startHandlers(List<ResolvedHandler> handlers);

  /** Takes no more jobs and waits up to {@code grace} for running ones. */
  protected abstract void stopHandlers(Duration grace);
}
