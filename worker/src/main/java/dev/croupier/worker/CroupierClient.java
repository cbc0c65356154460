package dev.croupier.worker;

import dev.croupier.protocol.ServerException;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import dev.croupier.protocol.JobMessages;
import dev.croupier.proto.v1.Cancel;
import dev.croupier.proto.v1.EnqueueBatch;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Role;
import dev.croupier.proto.v1.Watch;
import dev.croupier.worker.internal.net.Connection;
import dev.croupier.worker.internal.net.ConnectionConfig;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.worker.internal.net.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer's connection to Croupier: enqueue jobs, cancel them, look them up and wait for them
 * to finish. Talks to one engine node at a time and moves to the next address when that one goes
 * away. Thread-safe; share one per process.
 *
 * <p>Errors the node reports are thrown (or complete futures) as {@link ServerException}s carrying
 * the protocol's code, e.g. {@code PERMISSION_DENIED} for a tenant the token does not cover.
 */
public final class CroupierClient implements JobProducer, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CroupierClient.class);

  private final ClientOptions options;
  private final List<NodeAddress> addresses;
  private final ConnectionConfig config;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-client"), NioIoHandler.newFactory());
  private Connection current;
  private boolean retiring;
  private int next;
  private volatile boolean closed;

  private CroupierClient(ClientOptions options) {
    this.options = options;
    this.addresses = options.addresses().stream().map(NodeAddress::parse).toList();
    this.config = new ConnectionConfig(options.token(), options.clientName(), Role.ROLE_PRODUCER,
        options.tls() ? Tls.clientContext(options.trustCertificate()) : null,
        options.connectTimeout(), options.maxFrameBytes(), options.idleTimeout());
  }

  /** Connects to the first node that answers; throws {@link ServerException} if none does. */
  public static CroupierClient connect(ClientOptions options) {
    CroupierClient c = new CroupierClient(Objects.requireNonNull(options, "options"));
    try {
      c.connection();
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public EnqueueResult enqueue(JobRequest job) {
    return join(enqueueAsync(job));
  }

  /** Enqueues one job without waiting. */
  public CompletableFuture<EnqueueResult> enqueueAsync(JobRequest job) {
    Envelope.Builder req = Envelope.newBuilder()
        .setEnqueue(Enqueue.newBuilder().setItem(JobMessages.item(job)));
    return call(req).thenApply(r -> JobMessages.enqueued(r.getEnqueued().getJobs(0)));
  }

  @Override
  public List<EnqueueResult> enqueueBatch(List<JobRequest> jobs) {
    return join(enqueueBatchAsync(jobs));
  }

  /** Enqueues many jobs without waiting. */
  public CompletableFuture<List<EnqueueResult>> enqueueBatchAsync(List<JobRequest> jobs) {
    EnqueueBatch.Builder batch = EnqueueBatch.newBuilder();
    jobs.forEach(j -> batch.addItems(JobMessages.item(j)));
    return call(Envelope.newBuilder().setEnqueueBatch(batch)).thenApply(r ->
        r.getEnqueued().getJobsList().stream().map(JobMessages::enqueued).toList());
  }

  /** Cancels a job; false when it already finished or is not one this token may see. */
  @Override
  public boolean cancel(String jobId) {
    try {
      return join(call(Envelope.newBuilder().setCancel(Cancel.newBuilder().setJobId(jobId))))
          .getCancelled().getCancelled();
    } catch (ServerException e) {
      if (e.code().equals("NOT_FOUND")) {
        return false;
      }
      throw e;
    }
  }

  /** The job's status; empty when it does not exist (or is not one this token may see). */
  @Override
  public Optional<JobInfo> lookup(String jobId) {
    try {
      return Optional.of(JobMessages.info(join(call(Envelope.newBuilder()
          .setLookup(Lookup.newBuilder().setJobId(jobId)))).getJobStatus()));
    } catch (ServerException e) {
      if (e.code().equals("NOT_FOUND")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Completes with the job's info once it is final (succeeded, dead or cancelled); exceptionally
   * with a {@link ServerException} of code {@code TIMEOUT} after {@code timeout}, or
   * {@code NOT_FOUND} for a job this token cannot see. The wait survives a node going away: it is
   * renewed on the next node until the timeout.
   */
  @Override
  public CompletableFuture<JobInfo> awaitCompletion(String jobId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return watchUntil(jobId, deadline);
  }

  private CompletableFuture<JobInfo> watchUntil(String jobId, long deadline) {
    long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (leftMs <= 0) {
      return CompletableFuture.failedFuture(new ServerException("TIMEOUT",
          "job " + jobId + " did not finish in time"));
    }
    CompletableFuture<Envelope> reply;
    try {
      reply = connection().request(Envelope.newBuilder()
          .setWatch(Watch.newBuilder().setJobId(jobId).setTimeoutMs(leftMs)));
    } catch (ServerException e) {
      return CompletableFuture.failedFuture(e);
    }
    return reply
        .orTimeout(leftMs + options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // Async: a renewal may connect, which must not block the connection's event loop.
        .handleAsync((r, err) -> {
          if (err == null) {
            return CompletableFuture.completedFuture(JobMessages.info(r.getJobStatus()));
          }
          Throwable cause = unwrap(err);
          if (cause instanceof ServerException se
              && se.code().equals(ServerException.CONNECTION_LOST) && !closed) {
            return watchUntil(jobId, deadline);
          }
          return CompletableFuture.<JobInfo>failedFuture(translate(cause));
        })
        .thenCompose(f -> f);
  }

  /** Closes the connection; requests still waiting fail. */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (current != null) {
        current.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private CompletableFuture<Envelope> call(Envelope.Builder request) {
    try {
      return connection().request(request)
          .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .exceptionallyCompose(err -> CompletableFuture.failedFuture(translate(unwrap(err))));
    } catch (ServerException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The open connection, connecting (trying every address once) when there is none. */
  private synchronized Connection connection() {
    if (closed) {
      throw new ServerException(ServerException.CONNECTION_LOST, "the client is closed");
    }
    if (current != null && current.isOpen() && !retiring) {
      return current;
    }
    ServerException last = null;
    for (int i = 0; i < addresses.size(); i++) {
      NodeAddress a = addresses.get(next);
      next = (next + 1) % addresses.size();
      try {
        Connection c = Connection.open(group, a, config, new Listener()).join();
        current = c;
        retiring = false;
        log.debug("client connected to {}", a);
        return c;
      } catch (CompletionException e) {
        Throwable cause = unwrap(e);
        last = cause instanceof ServerException se ? se
            : new ServerException(ServerException.CONNECTION_LOST, cause.toString(), cause);
        if (!last.code().equals(ServerException.CONNECTION_LOST)) {
          throw last;
        }
      }
    }
    throw last;
  }

  private final class Listener implements Connection.Listener {
    @Override
    public void onPush(Connection c, Envelope env) {
      if (env.hasGoodbye()) {
        log.info("{} is going away ({}); later requests go to the next node", c.address(),
            env.getGoodbye().getReason());
        synchronized (CroupierClient.this) {
          if (current == c) {
            retiring = true;
          }
        }
        closeWhenIdle(c);
      }
    }

    @Override
    public void onClosed(Connection c) {}
  }

  private void closeWhenIdle(Connection c) {
    if (c.pendingRequests() == 0 || closed) {
      c.close();
    } else if (c.isOpen()) {
      group.schedule(() -> closeWhenIdle(c), 20, TimeUnit.MILLISECONDS);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private Throwable translate(Throwable t) {
    if (t instanceof TimeoutException) {
      return new ServerException("TIMEOUT", "no reply within " + options.requestTimeout());
    }
    return t;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new ServerException("INTERNAL", cause.toString(), cause);
    }
  }
}
