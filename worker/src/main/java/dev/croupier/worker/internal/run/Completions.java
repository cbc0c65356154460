package dev.croupier.worker.internal.run;

import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.internal.net.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * answers it STALE). Thread-safe.
 */
final class Completions {

  private static final Logger log = LoggerFactory.getLogger(Completions.class);
  /** Completions whose acknowledgement never came are given up after this long. */
  private static final long TTL_MS = Duration.ofMinutes(10).toMillis();

  private record Pending(Complete complete, long createdAtMs) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Supplier<Connection> current;
  private final ScheduledExecutorService timer;

  /** Completions over {@code current}; a node that is busy is asked again on {@code timer}. */
  Completions(Supplier<Connection> current, ScheduledExecutorService timer) {
    this.current = current;
    this.timer = timer;
  }

  /** Sends a completion now if connected, and keeps it until acknowledged. */
  void send(Complete complete) {
    Pending p = new Pending(complete, System.currentTimeMillis());
    pending.put(key(complete), p);
    Connection c = current.get();
    if (c != null) {
      send(c, p);
    }
  }

  /** Sends every unacknowledged completion on a new connection. */
  void resend(Connection c) {
    long now = System.currentTimeMillis();
    pending.values().removeIf(p -> now - p.createdAtMs() > TTL_MS);
    for (Pending p : List.copyOf(pending.values())) {
      send(c, p);
    }
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  private void send(Connection c, Pending p) {
    c.request(Envelope.newBuilder().setComplete(p.complete())).whenComplete((reply, err) -> {
      if (err != null) {
        // The node refuses requests over its per-connection cap (RESOURCE_EXHAUSTED): ask again
        // shortly on the same connection rather than wait for a reconnect that may never come
        // while the job's lease runs out. Other failures wait for the next connection.
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof ServerException se && se.code().equals(RESOURCE_EXHAUSTED) && c.isOpen()) {
          try {
            timer.schedule(() -> {
              if (pending.get(key(p.complete())) == p && c.isOpen()) {
                send(c, p);
              }
            }, RETRY_BUSY_MS, TimeUnit.MILLISECONDS);
          } catch (RejectedExecutionException e) {
            log.debug("worker closed; completion of job {} left to its lease", p.complete().getJobId());
          }
        }
      } else {
        pending.remove(key(p.complete()), p);
        LeaseResult r = reply.getCompleteAck().getResult();
        if (r != LeaseResult.ACCEPTED) {
          log.debug("completion of job {} attempt {} was {}: the lease had been lost, or this"
              + " was a repeat", p.complete().getJobId(), p.complete().getAttempt(), r);
        }
      }
    });
  }

  /** The node's code for a request over its in-flight cap. */
  private static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
  /** How soon a completion the node was too busy for is sent again. */
  private static final long RETRY_BUSY_MS = 20;

  private static String key(Complete c) {
    return c.getJobId() + "#" + c.getAttempt();
  }
}
