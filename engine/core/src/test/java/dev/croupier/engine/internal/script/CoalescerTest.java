package dev.croupier.engine.internal.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The coalescer on its own (it is generic: what a flush does is the caller's). */
class CoalescerTest {

  @Test
  void busyCallers_shareFlushes_eachGettingItsOwnResultsInOrder() throws Exception {
    ConcurrentLinkedQueue<Integer> flushSizes = new ConcurrentLinkedQueue<>();
    AtomicInteger sent = new AtomicInteger();
    int threads = 16;
    int perThread = 200;
    try (Coalescer<Integer, Integer> c = new Coalescer<>("test-busy", 64, entries -> {
      flushSizes.add(entries.size());
      sent.addAndGet(entries.size());
      try {
        Thread.sleep(1); // a round trip: others queue up meanwhile
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return entries.stream().map(e -> -e).toList();
    }); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * 10_000;
        results.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            List<Integer> mine = List.of(base + i * 2, base + i * 2 + 1);
            if (!c.submit(mine).equals(List.of(-mine.get(0), -mine.get(1)))) {
              return false;
            }
          }
          return true;
        }));
      }
      start.countDown();
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    }
    assertThat(sent.get()).isEqualTo(threads * perThread * 2);
    assertThat(flushSizes).as("some flushes carried several callers' entries").anyMatch(n -> n > 2);
    assertThat(flushSizes).allMatch(n -> n <= 64);
  }

  @Test
  void aFailedFlush_failsItsCallers_andTheNextCallsStillGoOut() {
    AtomicInteger calls = new AtomicInteger();
    try (Coalescer<Integer, Integer> c = new Coalescer<>("test-fail", 16, entries -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("redis went away");
      }
      return entries;
    })) {
      assertThatThrownBy(() -> c.submit(1)).isInstanceOf(IllegalStateException.class).hasMessage("redis went away");
      assertThat(c.submit(2)).isEqualTo(2);
    }
  }

  @Test
  void submitAsync_returnsBeforeTheFlush_andCompletesOnTheFlusherInOrder() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    try (Coalescer<Integer, Integer> c = new Coalescer<>("test-async", 16, entries -> {
      try {
        hold.await(); // the flush is in flight until the test lets it go
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return entries.stream().map(e -> e * 10).toList();
    })) {
      CompletableFuture<List<Integer>> first = c.submitAsync(List.of(1, 2));
      CompletableFuture<List<Integer>> second = c.submitAsync(List.of(3));
      assertThat(first).as("returned without waiting for the flush").isNotDone();
      AtomicReference<String> thread = new AtomicReference<>();
      CompletableFuture<List<Integer>> seen = second.whenComplete((r, e) -> thread.set(Thread.currentThread().getName()));
      hold.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly(10, 20);
      assertThat(seen.get(5, TimeUnit.SECONDS)).containsExactly(30);
      assertThat(thread.get()).isEqualTo("test-async");
    }
    try (Coalescer<Integer, Integer> failing = new Coalescer<>("test-async-fail", 16, entries -> {
      throw new IllegalStateException("redis went away");
    })) {
      assertThat(failing.submitAsync(List.of(1))).failsWithin(5, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IllegalStateException.class);
    }
  }
}
