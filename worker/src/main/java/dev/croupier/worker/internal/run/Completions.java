package dev.croupier.worker.internal.run;

import dev.croupier.api.execution.Timeouts;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.CompleteBatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.internal.net.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completions on their way to a node. Each stays here until the node acknowledges it, so one
 * whose connection dropped is sent again on the next connection (a repeat is harmless: the node
 * answers it STALE). One request is in flight at a time: completions that finish meanwhile go
 * together in one {@code CompleteBatch} when it is answered (see {@link Pump}); one that finishes
 * on an idle worker goes at once as a plain {@code Complete}. A node that does not take batches
 * ({@code Welcome.accepts_complete_batch} unset) gets one {@code Complete} each. Thread-safe.
 */
final class Completions {

  private static final Logger log = LoggerFactory.getLogger(Completions.class);
  /** Completions whose acknowledgement never came are given up after this long. */
  private static final long TTL_MS = Duration.ofMinutes(10).toMillis();

  private record Pending(Complete complete, long createdAtMs) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Supplier<Connection> current;
  private final ScheduledExecutorService timer;
  private final Pump<Pending> pump = new Pump<>(Limits.MAX_COMPLETE_BATCH, this::sendBatch);

  /** Completions over {@code current}; a node that is busy is asked again on {@code timer}. */
  Completions(Supplier<Connection> current, ScheduledExecutorService timer) {
    this.current = current;
    this.timer = timer;
  }

  /** Sends a completion now if connected (or with the next batch), and keeps it until acknowledged. */
  void send(Complete complete) {
    Pending p = new Pending(complete, System.currentTimeMillis());
    pending.put(key(complete), p);
    pump.add(p);
  }

  /** Sends every unacknowledged completion on a new connection. */
  void resend(Connection c) {
    long now = System.currentTimeMillis();
    pending.values().removeIf(p -> now - p.createdAtMs() > TTL_MS);
    pump.clear();
    pump.addAll(List.copyOf(pending.values()));
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /** Sends one batch; completes once it is answered (or will be sent again). */
  private CompletableFuture<?> sendBatch(List<Pending> queued) {
    Connection c = current.get();
    // Acknowledged meanwhile (a resend raced the first reply): nothing to send again.
    List<Pending> batch = queued.stream().filter(p -> pending.get(key(p.complete())) == p).toList();
    if (c == null || !c.isOpen() || batch.isEmpty()) {
      return CompletableFuture.completedFuture(null); // kept in pending: the next connection resends
    }
    if (batch.size() > 1 && !c.welcome().getAcceptsCompleteBatch()) {
      batch.forEach(p -> sendOne(c, p));
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?> answered = batch.size() == 1 ? sendOne(c, batch.get(0)) : sendMany(c, batch);
    // A reply that never comes must not hold every later completion back: send them again.
    return Timeouts.within(answered, STUCK_MS, timer).exceptionally(e -> {
      if (c.isOpen()) {
        log.debug("no reply from {} to {} completion(s) in {} ms; sending them again",
            c.address(), batch.size(), STUCK_MS);
        pump.addAll(batch);
      }
      return null;
    });
  }

  private CompletableFuture<?> sendOne(Connection c, Pending p) {
    return c.request(Envelope.newBuilder().setComplete(p.complete())).handle((reply, err) -> {
      if (err != null) {
        return failed(c, List.of(p), err);
      }
      acknowledged(p, reply.getCompleteAck().getResult());
      return CompletableFuture.completedFuture(null);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<?> sendMany(Connection c, List<Pending> batch) {
    CompleteBatch.Builder req = CompleteBatch.newBuilder();
    batch.forEach(p -> req.addCompletes(p.complete()));
    return c.request(Envelope.newBuilder().setCompleteBatch(req)).handle((reply, err) -> {
      if (err != null) {
        return failed(c, batch, err);
      }
      List<LeaseResult> results = reply.getCompleteBatchAck().getResultsList();
      for (int i = 0; i < batch.size(); i++) {
        // A short reply (a broken node) leaves the rest pending: they are sent again later.
        if (i < results.size()) {
          acknowledged(batch.get(i), results.get(i));
        }
      }
      return CompletableFuture.completedFuture(null);
    }).thenCompose(f -> f);
  }

  private void acknowledged(Pending p, LeaseResult r) {
    pending.remove(key(p.complete()), p);
    if (r != LeaseResult.ACCEPTED) {
      log.debug("completion of job {} attempt {} was {}: the lease had been lost, or this"
          + " was a repeat", p.complete().getJobId(), p.complete().getAttempt(), r);
    }
  }

  /**
   * A request failed. The node refuses requests over its per-connection cap (RESOURCE_EXHAUSTED):
   * ask again shortly on the same connection rather than wait for a reconnect that may never come
   * while the jobs' leases run out; the returned future holds the next batch back until then.
   * Other failures wait for the next connection (the completions stay pending).
   */
  private CompletableFuture<?> failed(Connection c, List<Pending> batch, Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (!(cause instanceof ServerException se) || !c.isOpen()) {
      return CompletableFuture.completedFuture(null);
    }
    if (se.code().equals(RESOURCE_EXHAUSTED)) {
      CompletableFuture<Void> retried = new CompletableFuture<>();
      try {
        timer.schedule(() -> {
          retried.complete(null);
          if (c.isOpen()) {
            pump.addAll(batch);
          }
        }, RETRY_BUSY_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("worker closed; {} completion(s) left to their leases", batch.size());
        retried.complete(null);
      }
      return retried;
    }
    if (batch.size() > 1 && !se.code().equals(ServerException.CONNECTION_LOST)) {
      // Refused whole (it should not be): send them one by one so that one bad entry does not
      // hold the others back.
      log.warn("{} refused a batch of {} completions ({}); sending them one by one",
          c.address(), batch.size(), se.getMessage());
      batch.forEach(p -> sendOne(c, p));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The node's code for a request over its in-flight cap. */
  private static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
  /** How long a request may stay unanswered before its completions are sent again. */
  private static final long STUCK_MS = Duration.ofSeconds(30).toMillis();
  /** How soon a completion the node was too busy for is sent again. */
  private static final long RETRY_BUSY_MS = 20;

  private static String key(Complete c) {
    return c.getJobId() + "#" + c.getAttempt();
  }
}
