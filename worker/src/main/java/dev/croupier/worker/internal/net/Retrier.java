package dev.croupier.worker.internal.net;

import dev.croupier.protocol.ServerException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call again, with exponential backoff and jitter, while it fails in a way that says "not
 * now" rather than "no" ({@link #retryable}), until a deadline. Attempts after the first run on
 * its own thread, never on a connection's event loop (an attempt may have to connect). Only
 * calls that are safe to repeat belong here: reads, and enqueues carrying idempotency keys.
 * Thread-safe.
 */
public final class Retrier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final long deadlineNanos;
  private final long minBackoffMs;
  private final long maxBackoffMs;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("croupier-client-retry").factory());
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Retries for up to {@code deadline} after a call began (zero: never), pausing from
   * {@code minBackoff} up to {@code maxBackoff}, timed by {@code nanoTime}.
   */
  public Retrier(Duration deadline, Duration minBackoff, Duration maxBackoff, LongSupplier nanoTime) {
    this.deadlineNanos = deadline.toNanos();
    this.minBackoffMs = Math.max(1, minBackoff.toMillis());
    this.maxBackoffMs = Math.max(minBackoffMs, maxBackoff.toMillis());
    this.nanoTime = nanoTime;
  }

  /**
   * Whether a failure may go away by itself: the connection was lost (the request may or may not
   * have been processed), no reply came in time, or the node is unavailable (Redis away or
   * loading), overloaded (RESOURCE_EXHAUSTED) or stopping.
   */
  public static boolean retryable(Throwable t) {
    return t instanceof ServerException se && switch (se.code()) {
      case ServerException.CONNECTION_LOST, "UNAVAILABLE", "SHUTTING_DOWN", "RESOURCE_EXHAUSTED",
          "TIMEOUT" -> true;
      default -> false;
    };
  }

  /**
   * Runs {@code attempt} (given the attempt number, from 1) until it succeeds, fails for good,
   * or the deadline passes; the result fails with the last attempt's error.
   */
  public <T> CompletableFuture<T> run(IntFunction<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    pending.add(result);
    result.whenComplete((v, e) -> pending.remove(result));
    attempt(attempt, 1, nanoTime.getAsLong() + deadlineNanos, minBackoffMs, result);
    return result;
  }

  private <T> void attempt(IntFunction<CompletableFuture<T>> op, int n, long deadline,
      long backoffMs, CompletableFuture<T> result) {
    CompletableFuture<T> f;
    try {
      f = op.apply(n);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((value, err) -> {
      if (err == null) {
        result.complete(value);
        return;
      }
      Throwable cause = unwrap(err);
      long delayMs = ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1);
      if (closed || !retryable(cause)
          || nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadline > 0) {
        result.completeExceptionally(cause);
        return;
      }
      log.debug("attempt {} failed ({}); retrying in {} ms", n, cause.getMessage(), delayMs);
      try {
        scheduler.schedule(() -> attempt(op, n + 1, deadline, Math.min(maxBackoffMs, backoffMs * 2),
            result), delayMs, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(cause);
      }
    });
  }

  /** Stops retrying: calls waiting for their next attempt fail with their last error's kind. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(new ServerException(ServerException.CONNECTION_LOST,
          "the client was closed before the call succeeded"));
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
