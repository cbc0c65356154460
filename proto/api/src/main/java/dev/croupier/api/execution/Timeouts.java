package dev.croupier.api.execution;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link CompletableFuture#orTimeout} on a timer of the caller's. From JDK 25 {@code orTimeout}
 * schedules on the common pool's delay scheduler, which is woken for every timeout set and every
 * one cancelled: with a timeout per awaited job that cost more than a futex call per job. A
 * timer from {@link JobExecutor#newTimer} takes a timeout set later than its earliest, and a
 * cancelled one, without waking its thread.
 */
public final class Timeouts {

  private Timeouts() {}

  /**
   * Completes {@code f} with a {@link TimeoutException} once {@code millis} have passed, unless it
   * completed first (then the timeout is cancelled); returns {@code f}. On a timer that was shut
   * down (its owner is closing), {@code f} is returned as it is.
   */
  public static <T> CompletableFuture<T> within(CompletableFuture<T> f, long millis, ScheduledExecutorService timer) {
    if (f.isDone()) {
      return f;
    }
    ScheduledFuture<?> timeout;
    try {
      timeout = timer.schedule(() -> f.completeExceptionally(new TimeoutException()), millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return f;
    }
    f.whenComplete((v, e) -> timeout.cancel(false));
    return f;
  }
}
