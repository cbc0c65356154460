package dev.croupier.engine.internal.embedded;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.execution.Execution;
import dev.croupier.api.execution.JobExecutor;
import dev.croupier.api.execution.LeaseKeeper;
import dev.croupier.engine.metrics.JobTimers;
import dev.croupier.api.execution.Slots;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.engine.spi.Leases;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs registered handlers in this process: a {@link JobSink} whose credits are each function's
 * free {@link Slots}. Jobs run through the shared {@link JobExecutor} (the path remote workers
 * take too), on virtual threads, settling their leases straight through the engine's
 * {@link Leases}.
 */
public final class EmbeddedRunner implements JobSink, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRunner.class);

  private final Leases leases;
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final JobExecutor executor;
  private final JobTimers timers;
  private final Map<String, Function> functions = new ConcurrentHashMap<>();
  private final Map<String, Execution> running = new ConcurrentHashMap<>();

  /**
   * A runner settling leases through {@code leases}; heartbeats are timed on {@code scheduler},
   * runs are traced through {@code tracing} and timed by {@code timers}.
   */
  public EmbeddedRunner(Leases leases, InstantSource clock, ScheduledExecutorService scheduler,
      JobTracing tracing, JobTimers timers) {
    this.timers = Objects.requireNonNull(timers, "timers");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.executor = new JobExecutor(new Keeper(), clock, scheduler, handlers, Duration.ofSeconds(10),
        tracing);
  }

  /** Starts running {@code spec}'s jobs with at most {@code maxInFlight} at once. */
  public void register(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    Function f = new Function(spec, new Slots(maxInFlight), Objects.requireNonNull(handler, "handler"));
    if (functions.putIfAbsent(spec.name(), f) != null) {
      throw new IllegalStateException("function '" + spec.name() + "' already has a handler in this engine");
    }
  }

  /** Stops taking jobs of {@code function}; jobs in flight finish. */
  public void unregister(String function) {
    functions.remove(function);
  }

  /** Handler exceptions seen (each became a retry or a dead letter). */
  public long handlerErrors() {
    return executor.handlerErrors();
  }

  /** Jobs running now. */
  public int running() {
    return running.size();
  }

  @Override
  public Set<String> functions() {
    Set<String> out = new HashSet<>();
    functions.forEach((name, f) -> {
      if (f.slots.free() > 0) {
        out.add(name);
      }
    });
    return out;
  }

  @Override
  public boolean serves(String function) {
    return functions.containsKey(function);
  }

  @Override
  public boolean hasRoom(String function) {
    Function f = functions.get(function);
    return f != null && f.slots.running() < f.slots.max(); // free, or reserved by a round
  }

  @Override
  public int reserve(String function, int max) {
    Function f = functions.get(function);
    return f == null ? 0 : f.slots.reserve(max);
  }

  @Override
  public void release(String function, int count) {
    Function f = functions.get(function);
    if (f != null) {
      f.slots.release(count);
    }
  }

  @Override
  public void deliver(LeasedJob job) {
    Function f = functions.get(job.function());
    if (f == null || !f.slots.start()) {
      // Unregistered between reserve and deliver: the lease expires and the job is redelivered.
      log.warn("job {} of unregistered function {} dropped; it will be redelivered after its lease",
          job.id(), job.function());
      return;
    }
    Execution e = executor.prepare(job, f.spec.leaseTimeout());
    running.put(job.id(), e);
    boolean started = executor.start(e, f.handler, done -> {
      running.remove(job.id(), done);
      f.slots.finish();
      leases.wakeClaimers();
    });
    if (!started) {
      running.remove(job.id(), e);
      f.slots.finish();
    }
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
    handlers.shutdownNow();
  }

  /** Settles leases in this process: straight through the engine. */
  private final class Keeper implements LeaseKeeper {
    @Override
    public CompletableFuture<CompletionResult> extend(LeasedJob job) {
      return CompletableFuture.supplyAsync(() -> leases.extendLease(job.id(), job.leaseToken()), handlers);
    }

    @Override
    public CompletionStage<?> complete(LeasedJob job, Outcome outcome) {
      timers.ran(job.tenant(), job.function(), outcome);
      CompletableFuture<CompletionResult> landed;
      try {
        landed = leases.completeAsync(job.id(), job.leaseToken(), outcome);
      } catch (RuntimeException e) {
        landed = CompletableFuture.failedFuture(e);
      }
      // Logged where the write lands (the engine's completion writer): the handler's thread has
      // ended by then, and its slot is freed only now, with the job's slot in Redis.
      return landed.whenComplete((result, err) -> {
        if (err != null) {
          log.warn("could not record the end of job {}; it will be redelivered after its lease", job.id(), err);
        } else if (result != CompletionResult.ACCEPTED) {
          log.info("completion of job {} attempt {} was {}: its lease was lost", job.id(), job.attempt(), result);
        }
      }).exceptionally(err -> null);
    }
  }

  private record Function(FunctionSpec spec, Slots slots, JobHandler handler) {}
}
