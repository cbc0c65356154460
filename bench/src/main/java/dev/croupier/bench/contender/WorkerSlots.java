package dev.croupier.bench.contender;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker slots of a baseline: N platform threads, each taking one job at a time and running
 * it. A slot that finds no work backs off from 1 ms to {@link #MAX_IDLE_BACKOFF_NANOS}, which
 * bounds the pickup latency of polling designs the way Croupier's idle poll bounds its own.
 */
final class WorkerSlots {

  /** Longest idle sleep of a polling slot. */
  static final long MAX_IDLE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final Logger log = LoggerFactory.getLogger(WorkerSlots.class);

  /** Takes one job, waiting at most a short while; null when there was none. */
  @FunctionalInterface
  interface Source {
    Job take();
  }

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Starts the slots.
   *
   * @param polls whether {@code source} returns at once when empty (so the slot must back off)
   */
  WorkerSlots(String name, int slots, Source source, JobRunner runner, boolean polls) {
    if (slots <= 0) {
      throw new IllegalArgumentException("slots must be positive: " + slots);
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(runner, "runner");
    for (int i = 0; i < slots; i++) {
      Thread t = Thread.ofPlatform().daemon().name(name + "-slot-" + i)
          .unstarted(() -> loop(source, runner, polls));
      threads.add(t);
      t.start();
    }
  }

  private void loop(Source source, JobRunner runner, boolean polls) {
    long backoff = 0;
    while (running) {
      Job job;
      try {
        job = source.take();
      } catch (RuntimeException e) {
        if (running) {
          log.warn("worker slot could not take a job", e);
        }
        LockSupport.parkNanos(MAX_IDLE_BACKOFF_NANOS);
        continue;
      }
      if (job == null) {
        if (polls) {
          backoff = backoff == 0 ? TimeUnit.MILLISECONDS.toNanos(1) : Math.min(2 * backoff, MAX_IDLE_BACKOFF_NANOS);
          LockSupport.parkNanos(backoff);
        }
        continue;
      }
      backoff = 0;
      runner.run(job);
    }
  }

  /** Stops the slots and waits for them (a job running finishes first). */
  void stop() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
