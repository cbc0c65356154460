package dev.croupier.engine;

import dev.croupier.engine.spi.Leases;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.LeasedJob;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remote-worker stand-ins without heartbeats: each job completes after 1-3 ms, except that
 * the first attempt of about one job in ten hangs. A hung attempt frees its worker slot (the
 * worker moved on) and acks only once its job was delivered again, so that late ack must be
 * STALE. Acks go through the engine the job was delivered by.
 */
final class FlakyWorkers extends CreditedSink implements AutoCloseable {

  /** What the workers of both engines saw. */
  static final class Shared {
    final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    /** Hung first deliveries: job id to the engine and the lease (its token) they hold. */
    final Map<String, Map.Entry<Leases, LeasedJob>> zombies = new ConcurrentHashMap<>();
    final Queue<CompletionResult> lateAcks = new ConcurrentLinkedQueue<>();
    final AtomicInteger hung = new AtomicInteger();
  }

  private final Leases engine;
  private final Shared shared;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  FlakyWorkers(Leases engine, String function, int slots, Shared shared) {
    super(function, slots);
    this.engine = engine;
    this.shared = shared;
  }

  @Override
  public void deliver(LeasedJob job) {
    if (job.attempt() == 1 && Math.floorMod(job.id().hashCode(), 10) == 0) {
      shared.hung.incrementAndGet();
      shared.zombies.put(job.id(), Map.entry(engine, job));
      grant(1);
      return;
    }
    Map.Entry<Leases, LeasedJob> hung = job.attempt() > 1 ? shared.zombies.remove(job.id()) : null;
    if (hung != null) {
      timer.execute(() -> shared.lateAcks.add(
          hung.getKey().complete(job.id(), hung.getValue().leaseToken(), new Outcome.Success(Duration.ZERO))));
    }
    timer.schedule(() -> {
      CompletionResult r = engine.complete(job.id(), job.leaseToken(), new Outcome.Success(Duration.ofMillis(2)));
      if (r == CompletionResult.ACCEPTED) {
        shared.accepted.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
      }
      grant(1);
      engine.wakeClaimers();
    }, 1 + ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }
}
