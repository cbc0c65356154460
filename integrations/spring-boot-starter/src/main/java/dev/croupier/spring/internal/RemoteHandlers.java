package dev.croupier.spring.internal;

import dev.croupier.spring.CroupierConfigurationException;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handlers in a remote {@link Worker}, created at start when there is any handler (an
 * application that only produces needs no worker, nor a worker token). Stopping closes the
 * worker: it takes no more jobs, lets running ones finish within the grace (its
 * {@code shutdownGrace}), and hands the rest back for immediate redelivery elsewhere.
 */
public final class RemoteHandlers extends HandlerLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RemoteHandlers.class);

  private final WorkerOptions options;
  private final Duration startupWait;
  private volatile Worker worker;

  /** Handlers from {@code scanner} run in a worker with {@code options}. */
  public RemoteHandlers(WorkerOptions options, Duration startupWait, HandlerScanner scanner) {
    super(scanner, options.shutdownGrace());
    this.options = Objects.requireNonNull(options, "options");
    this.startupWait = Objects.requireNonNull(startupWait, "startupWait");
  }

  @Override
  protected synchronized void startHandlers(List<ResolvedHandler> handlers) {
    if (handlers.isEmpty()) {
      return;
    }
    Worker w;
    try {
      w = Worker.create(options);
      for (ResolvedHandler h : handlers) {
        w.register(h.spec(), h.maxInFlight(), h.handler());
      }
    } catch (RuntimeException e) {
      throw new CroupierConfigurationException("the Croupier worker could not be set up: "
          + e.getMessage(), "check croupier.remote.* (addresses, token, tls)", e);
    }
    w.start();
    worker = w;
    if (!startupWait.isZero() && !startupWait.isNegative() && !w.awaitReady(startupWait)) {
      log.warn("Croupier worker not connected to any of {} after {}; it keeps trying in the "
          + "background and the health indicator reports it down meanwhile",
          options.addresses(), startupWait);
    }
  }

  @Override
  protected void stopHandlers(Duration grace) {
    Worker w;
    synchronized (this) {
      w = worker;
      worker = null;
    }
    if (w != null) {
      w.close();
    }
  }

  /** Whether this application runs a worker now (it has handlers and has started). */
  public boolean hasWorker() {
    return worker != null;
  }

  /** Whether the worker is connected to a node now; false without a worker. */
  public boolean connected() {
    Worker w = worker;
    return w != null && w.isConnected();
  }

  /** Jobs running in the worker now. */
  public int running() {
    Worker w = worker;
    return w == null ? 0 : w.running();
  }
}
