package dev.croupier.engine.internal.embedded;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryLaterException;
import dev.croupier.engine.CompletionResult;
import dev.croupier.engine.Engine;
import dev.croupier.engine.JobSink;
import dev.croupier.engine.LeasedJob;
import dev.croupier.engine.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs registered handlers in this process: a {@link JobSink} whose credits are each function's
 * free slots (max in flight minus running and reserved). Each job runs on its own virtual thread;
 * a handler's exception is logged and turned into a retry (or a dead letter), never into a broken
 * runner. Long jobs keep their lease by heartbeats every third of the lease timeout.
 */
public final class EmbeddedRunner implements JobSink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRunner.class);

  private final Engine engine;
  private final InstantSource clock;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Slots> functions = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final LongAdder handlerErrors = new LongAdder();

  /** A runner completing jobs through {@code engine}; heartbeats run on {@code scheduler}. */
  public EmbeddedRunner(Engine engine, InstantSource clock, ScheduledExecutorService scheduler) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.clock = Objects.requireNonNull(clock, "clock");
    scheduler.scheduleWithFixedDelay(this::heartbeat, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts running {@code spec}'s jobs with at most {@code maxInFlight} at once. */
  public void register(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    Objects.requireNonNull(handler, "handler");
    if (functions.putIfAbsent(spec.name(), new Slots(spec, maxInFlight, handler)) != null) {
      throw new IllegalStateException("function '" + spec.name() + "' already has a handler in this engine");
    }
  }

  /** Stops taking jobs of {@code function}; jobs in flight finish. */
  public void unregister(String function) {
    functions.remove(function);
  }

  /** Handler exceptions seen (each became a retry or a dead letter). */
  public long handlerErrors() {
    return handlerErrors.sum();
  }

  /** Jobs running now. */
  public int running() {
    return running.size();
  }

  @Override
  public Set<String> functions() {
    Set<String> out = new java.util.HashSet<>();
    functions.forEach((name, s) -> {
      if (s.free() > 0) {
        out.add(name);
      }
    });
    return out;
  }

  @Override
  public int reserve(String function, int max) {
    Slots s = functions.get(function);
    return s == null ? 0 : s.reserve(max);
  }

  @Override
  public void release(String function, int count) {
    Slots s = functions.get(function);
    if (s != null) {
      s.reserved.addAndGet(-count);
    }
  }

  @Override
  public void deliver(LeasedJob job) {
    Slots s = functions.get(job.function());
    if (s == null) {
      // Unregistered between reserve and deliver: the lease expires and the job is redelivered.
      log.warn("job {} of unregistered function {} dropped; it will be redelivered after its lease", job.id(),
          job.function());
      return;
    }
    s.reserved.decrementAndGet();
    s.inFlight.incrementAndGet();
    Running r = new Running(job, s.spec.leaseTimeout(), clock.millis());
    running.put(job.id(), r);
    executor.execute(() -> run(s, r));
  }

  private void run(Slots s, Running r) {
    LeasedJob job = r.job;
    long start = System.nanoTime();
    Outcome outcome;
    try {
      s.handler.handle(new EmbeddedJobContext(job, r, this));
      outcome = new Outcome.Success(elapsed(start));
    } catch (RetryLaterException e) {
      outcome = new Outcome.Retry(e.retryAfter(), e.getMessage(), elapsed(start));
    } catch (PermanentFailureException e) {
      outcome = new Outcome.Fail(e.getMessage(), elapsed(start));
    } catch (Exception | Error e) {
      handlerErrors.increment();
      log.debug("handler of {} failed on job {} (attempt {})", job.function(), job.id(), job.attempt(), e);
      outcome = new Outcome.Retry(null, e.toString(), elapsed(start));
    }
    try {
      CompletionResult result = engine.complete(job.id(), job.attempt(), outcome);
      if (result != CompletionResult.ACCEPTED) {
        log.info("completion of job {} attempt {} was {}: its lease was lost", job.id(), job.attempt(), result);
      }
    } catch (RuntimeException e) {
      log.warn("could not record the end of job {}; it will be redelivered after its lease", job.id(), e);
    } finally {
      running.remove(job.id());
      s.inFlight.decrementAndGet();
      engine.wakeClaimers();
    }
  }

  boolean extend(Running r) {
    CompletionResult result = engine.extendLease(r.job.id(), r.job.attempt());
    if (result == CompletionResult.ACCEPTED) {
      r.lastExtended = clock.millis();
      r.deadline = Instant.ofEpochMilli(r.lastExtended + r.leaseTimeout.toMillis());
      return true;
    }
    return false;
  }

  private void heartbeat() {
    long now = clock.millis();
    for (Running r : running.values()) {
      if (now - r.lastExtended >= r.leaseTimeout.toMillis() / 3 && !r.heartbeating) {
        r.heartbeating = true;
        executor.execute(() -> {
          try {
            extend(r);
          } catch (RuntimeException e) {
            log.warn("heartbeat of job {} failed; retrying next tick", r.job.id(), e);
          } finally {
            r.heartbeating = false;
          }
        });
      }
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Waits up to {@code grace} for running jobs, then stops the virtual threads. */
  public void drain(Duration grace) {
    functions.clear();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static final class Slots {
    final FunctionSpec spec;
    final int max;
    final JobHandler handler;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger reserved = new AtomicInteger();

    Slots(FunctionSpec spec, int max, JobHandler handler) {
      this.spec = spec;
      this.max = max;
      this.handler = handler;
    }

    int free() {
      return max - inFlight.get() - reserved.get();
    }

    int reserve(int want) {
      while (true) {
        int r = reserved.get();
        int free = max - inFlight.get() - r;
        int take = Math.min(want, free);
        if (take <= 0) {
          return 0;
        }
        if (reserved.compareAndSet(r, r + take)) {
          return take;
        }
      }
    }
  }

  static final class Running {
    final LeasedJob job;
    final Duration leaseTimeout;
    volatile long lastExtended;
    volatile Instant deadline;
    volatile boolean heartbeating;

    Running(LeasedJob job, Duration leaseTimeout, long now) {
      this.job = job;
      this.leaseTimeout = leaseTimeout;
      this.lastExtended = now;
      this.deadline = job.deadline();
    }
  }
}
