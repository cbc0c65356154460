package dev.croupier.worker.internal.run;

import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.worker.internal.net.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  Completions(Supplier<Connection> current) {
    this.current = current;
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
      if (err == null) {
        pending.remove(key(p.complete()), p);
        LeaseResult r = reply.getCompleteAck().getResult();
        if (r != LeaseResult.ACCEPTED) {
          log.debug("completion of job {} attempt {} was {}: the lease had been lost, or this"
              + " was a repeat", p.complete().getJobId(), p.complete().getAttempt(), r);
        }
      }
    });
  }

  private static String key(Complete c) {
    return c.getJobId() + "#" + c.getAttempt();
  }
}
