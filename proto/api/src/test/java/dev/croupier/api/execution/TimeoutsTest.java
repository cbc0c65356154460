package dev.croupier.api.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutsTest {

  private final ScheduledThreadPoolExecutor timer =
      (ScheduledThreadPoolExecutor) JobExecutor.newTimer(1, Thread.ofPlatform().daemon().factory());

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aFutureThatDoesNotCompleteInTime_failsWithTimeoutException() {
    CompletableFuture<String> f = new CompletableFuture<>();
    assertThat(Timeouts.within(f, 20, timer)).isSameAs(f);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void aFutureThatCompletes_keepsItsValue_andLeavesNothingQueuedOnTheTimer() throws Exception {
    CompletableFuture<String> f = Timeouts.within(new CompletableFuture<>(), 60_000, timer);
    assertThat(timer.getQueue()).hasSize(1);
    f.complete("done");
    assertThat(f.get()).isEqualTo("done");
    assertThat(timer.getQueue()).as("the timeout was cancelled and dropped at once").isEmpty();
  }

  @Test
  void onATimerThatWasShutDown_theFutureIsReturnedAsItIs() {
    timer.shutdownNow();
    CompletableFuture<String> f = Timeouts.within(new CompletableFuture<>(), 1, timer);
    assertThat(f).isNotDone();
    f.complete("late");
    assertThat(f.join()).isEqualTo("late");
  }
}
