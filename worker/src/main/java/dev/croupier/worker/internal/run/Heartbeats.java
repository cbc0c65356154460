package dev.croupier.worker.internal.run;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.worker.internal.net.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends running jobs' leases through whichever connection is current (a job dispatched by one
 * node can be heartbeated through another). A lease the node reports lost marks the job lost.
 */
final class Heartbeats {

  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private final Supplier<Connection> current;
  private final Duration replyTimeout;

  Heartbeats(Supplier<Connection> current, Duration replyTimeout) {
    this.current = current;
    this.replyTimeout = replyTimeout;
  }

  /** The periodic heartbeat: fire and forget. */
  void tick(RunningJob job) {
    Connection c = current.get();
    if (c != null && !job.lost) {
      extend(c, job);
    }
  }

  /** A handler's explicit heartbeat: waits for the node's answer; false if the lease is lost. */
  boolean now(RunningJob job) {
    Connection c = current.get();
    if (c == null || job.lost) {
      return false;
    }
    try {
      return extend(c, job).get(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private CompletableFuture<Boolean> extend(Connection c, RunningJob job) {
    long sentAt = System.currentTimeMillis();
    return c.request(Envelope.newBuilder().setHeartbeat(Heartbeat.newBuilder()
            .addLeases(LeaseRef.newBuilder().setJobId(job.id()).setAttempt(job.attempt()))))
        .thenApply(reply -> {
          LeaseResult r = reply.getHeartbeatAck().getResults(0);
          if (r == LeaseResult.ACCEPTED) {
            job.deadline = Instant.ofEpochMilli(sentAt + job.leaseTimeoutMs());
            return true;
          }
          if (!job.lost) {
            job.lost = true;
            log.warn("lease of job {} attempt {} was lost ({}); it will be redelivered",
                job.id(), job.attempt(), r);
          }
          return false;
        });
  }
}
