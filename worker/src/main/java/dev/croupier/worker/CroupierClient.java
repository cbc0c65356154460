package dev.croupier.worker;

import dev.croupier.api.execution.JobExecutor;
import dev.croupier.api.execution.Timeouts;
import dev.croupier.protocol.ServerException;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobProducer;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.RetryKeys;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.Limits;
import dev.croupier.proto.v1.Cancel;
import dev.croupier.proto.v1.EnqueueBatch;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.EnqueuedJob;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Role;
import dev.croupier.proto.v1.Watch;
import dev.croupier.worker.internal.net.Connection;
import dev.croupier.worker.internal.net.ConnectionConfig;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.worker.internal.net.Retrier;
import dev.croupier.worker.internal.net.Tls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A producer's connection to Croupier: enqueue jobs, cancel them, look them up and wait for them
 * to finish. Talks to one engine node at a time and moves to the next address when that one goes
 * away. Thread-safe; share one per process.
 *
 * <p>Errors the node reports are thrown (or complete futures) as {@link ServerException}s carrying
 * the protocol's code, e.g. {@code PERMISSION_DENIED} for a tenant the token does not cover.
 *
 * <p><b>Retries.</b> A call that fails because the connection was lost, no reply came, or the
 * node was unavailable, overloaded or stopping ({@code CONNECTION_LOST}, {@code TIMEOUT},
 * {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code SHUTTING_DOWN}) is retried
 * transparently, with backoff, on the same or the next node, until
 * {@link ClientOptions#retryDeadline()} (30 s) after it began. A lost connection leaves it unknown
 * whether the node stored an enqueue, so every job enqueued without an idempotency key gets one
 * from the client (a {@link RetryKeys retry key}: the call's random token and the job's index in
 * the call), and a retry returns the job the first attempt stored instead of storing another.
 * What a caller may assume:
 * <ul>
 *   <li>an enqueue that returns stored its job(s) exactly once (within the engine's idempotency
 *       window, 24 h by default); {@link EnqueueResult#duplicate()} is true only for a key the
 *       caller gave that an earlier enqueue used;
 *   <li>an enqueue that throws a retryable code after the deadline may or may not have stored
 *       the job: enqueue it again with the same idempotency key (give your own key when you need
 *       to retry across calls or processes);
 *   <li>any other error means nothing was stored;
 *   <li>a cancel that was retried and found the job final reports {@code true} if the job is
 *       cancelled (an earlier attempt may have done it).
 * </ul>
 * The client's own keys deduplicate for the retry deadline plus a minute (not the engine's
 * whole window), so they leave nothing in Redis soon after; the engine keeps a call's keys in one
 * small hash, written with one command per script call. {@code retryDeadline(Duration.ZERO)}
 * turns retries and the automatic keys off for producers that would rather retry (and
 * deduplicate) themselves.
 */
public final class CroupierClient implements JobProducer, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CroupierClient.class);
  /** How much longer than the retry deadline the client's own keys deduplicate. */
  static final Duration RETRY_KEY_SLACK = Duration.ofMinutes(1);

  private final ClientOptions options;
  private final List<NodeAddress> addresses;
  private final ConnectionConfig config;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-client"), NioIoHandler.newFactory());
  private final Retrier retrier;
  /** Times requests out: one per request, most cancelled when the reply comes (see Timeouts). */
  private final ScheduledExecutorService timeouts = JobExecutor.newTimer(1,
      Thread.ofPlatform().daemon().name("croupier-client-timeouts").factory());
  private Connection current;
  private boolean retiring;
  private int next;
  private volatile boolean closed;

  private CroupierClient(ClientOptions options) {
    this(options, Role.ROLE_PRODUCER);
  }

  private CroupierClient(ClientOptions options, Role role) {
    this.options = options;
    this.addresses = options.addresses().stream().map(NodeAddress::parse).toList();
    this.config = new ConnectionConfig(options.token(), options.clientName(), role,
        options.tls() ? Tls.clientContext(options.trustCertificate()) : null,
        options.connectTimeout(), options.maxFrameBytes(), options.idleTimeout());
    this.retrier = new Retrier(options.retryDeadline(), options.retryMinBackoff(),
        options.retryMaxBackoff(), System::nanoTime);
  }

  /** Connects to the first node that answers; throws {@link ServerException} if none does. */
  public static CroupierClient connect(ClientOptions options) {
    return connect(options, Role.ROLE_PRODUCER);
  }

  /** Connects saying {@code role} in its Hello (CroupierAdmin says ROLE_ADMIN). */
  static CroupierClient connect(ClientOptions options, Role role) {
    CroupierClient c = new CroupierClient(Objects.requireNonNull(options, "options"), role);
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

  /**
   * Enqueues one job without waiting (retried as the class documentation says). The job carries
   * the caller's trace (see {@link ClientOptions#tracing()}).
   */
  public CompletableFuture<EnqueueResult> enqueueAsync(JobRequest job) {
    return traced(List.of(job), true).thenApply(results -> results.get(0));
  }

  @Override
  public List<EnqueueResult> enqueueBatch(List<JobRequest> jobs) {
    return join(enqueueBatchAsync(jobs));
  }

  /**
   * Enqueues many jobs (at most {@link Limits#MAX_ENQUEUE_BATCH_ITEMS}) without waiting; retried
   * as the class documentation says.
   */
  public CompletableFuture<List<EnqueueResult>> enqueueBatchAsync(List<JobRequest> jobs) {
    if (jobs.size() > Limits.MAX_ENQUEUE_BATCH_ITEMS) {
      return CompletableFuture.failedFuture(new InvalidRequestException("a batch may hold at most "
          + Limits.MAX_ENQUEUE_BATCH_ITEMS + " jobs: " + jobs.size() + "; split it"));
    }
    return traced(jobs, false);
  }

  /** Sends {@code jobs} in the caller's trace: as one {@code Enqueue} when {@code single}. */
  private CompletableFuture<List<EnqueueResult>> traced(List<JobRequest> jobs, boolean single) {
    JobTracing.Enqueue trace = options.tracing().enqueue(jobs);
    CompletableFuture<List<EnqueueResult>> sent;
    try (JobTracing.Scope scope = trace.makeCurrent()) {
      sent = send(trace.requests(), single);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((results, err) -> trace.end(results, err == null ? null : unwrap(err)));
  }

  private CompletableFuture<List<EnqueueResult>> send(List<JobRequest> jobs, boolean single) {
    Envelope.Builder req = Envelope.newBuilder();
    String token = options.retries() ? RetryKeys.newToken() : null; // one per call, not per job
    if (single) {
      req.setEnqueue(Enqueue.newBuilder().setItem(item(jobs.get(0), token, 0)));
    } else {
      EnqueueBatch.Builder batch = EnqueueBatch.newBuilder();
      for (int i = 0; i < jobs.size(); i++) {
        batch.addItems(item(jobs.get(i), token, i));
      }
      req.setEnqueueBatch(batch);
    }
    return retrier.run(n -> call(req)).thenApply(r -> {
      List<EnqueuedJob> out = r.getEnqueued().getJobsList();
      List<EnqueueResult> results = new ArrayList<>(out.size());
      for (int i = 0; i < out.size(); i++) {
        results.add(result(out.get(i), jobs.get(i)));
      }
      return results;
    });
  }

  /**
   * The wire item, with a retry key of the client's ({@link RetryKeys}: the call's token and the
   * job's index) when retries need one and the caller gave no key.
   */
  private EnqueueItem item(JobRequest job, String token, int index) {
    EnqueueItem item = JobMessages.item(job);
    if (token == null || job.options().idempotencyKey() != null) {
      return item;
    }
    // The key only has to outlive this call's retries: kept for the engine's whole window (a day
    // by default), every job sent would leave its key in Redis for that long.
    return item.toBuilder().setIdempotencyKey(RetryKeys.of(token, index))
        .setIdempotencyWindowMs(Math.min(options.retryDeadline().plus(RETRY_KEY_SLACK).toMillis(),
            EnqueueOptions.MAX_IDEMPOTENCY_WINDOW.toMillis())).build();
  }

  /**
   * The result as the caller sees it: a duplicate of the client's own key is this call's retry
   * finding its first attempt's job, not an earlier enqueue.
   */
  private static EnqueueResult result(EnqueuedJob j, JobRequest asked) {
    boolean ownKey = asked.options().idempotencyKey() == null;
    return new EnqueueResult(j.getJobId(), j.getDuplicate() && !ownKey);
  }

  /** Cancels a job; false when it already finished or is not one this token may see. */
  @Override
  public boolean cancel(String jobId) {
    AtomicInteger attempts = new AtomicInteger();
    boolean cancelled;
    try {
      cancelled = join(retrier.run(n -> {
        attempts.set(n);
        return call(Envelope.newBuilder().setCancel(Cancel.newBuilder().setJobId(jobId)));
      })).getCancelled().getCancelled();
    } catch (ServerException e) {
      if (e.code().equals("NOT_FOUND")) {
        return false;
      }
      throw e;
    }
    if (!cancelled && attempts.get() > 1) {
      // An earlier attempt may have cancelled it before its reply was lost.
      return lookup(jobId).map(info -> info.state() == JobState.CANCELLED).orElse(false);
    }
    return cancelled;
  }

  /** The job's status; empty when it does not exist (or is not one this token may see). */
  @Override
  public Optional<JobInfo> lookup(String jobId) {
    try {
      return Optional.of(JobMessages.info(join(retrier.run(n -> call(Envelope.newBuilder()
          .setLookup(Lookup.newBuilder().setJobId(jobId))))).getJobStatus()));
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
   * {@code NOT_FOUND} for a job this token cannot see. The wait survives a node going away or
   * being unavailable for a while: it is renewed (on the next node) until the timeout.
   */
  @Override
  public CompletableFuture<JobInfo> awaitCompletion(String jobId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return watchUntil(jobId, deadline, options.retryMinBackoff().toMillis());
  }

  private CompletableFuture<JobInfo> watchUntil(String jobId, long deadline, long backoffMs) {
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
      reply = CompletableFuture.failedFuture(e);
    }
    // Handled where the reply lands (the connection's event loop, or the timer): what needs to
    // connect again, a renewal, goes through a delayed executor first, so it never blocks there.
    return Timeouts.within(reply, leftMs + options.requestTimeout().toMillis(), timeouts)
        .handle((r, err) -> {
          if (err == null) {
            return CompletableFuture.completedFuture(JobMessages.info(r.getJobStatus()));
          }
          Throwable cause = unwrap(err);
          if (!closed && Retrier.retryable(cause) && !((ServerException) cause).code().equals("TIMEOUT")) {
            // The node went away, or cannot serve now: watch again (on the next node) until the
            // caller's timeout, pausing a little more each time.
            long pause = Math.min(backoffMs, Math.max(1, leftMs / 2));
            return CompletableFuture.runAsync(() -> {},
                    CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
                .thenCompose(x -> watchUntil(jobId, deadline,
                    Math.min(options.retryMaxBackoff().toMillis(), backoffMs * 2)));
          }
          return CompletableFuture.<JobInfo>failedFuture(translate(cause));
        })
        .thenCompose(f -> f);
  }

  /**
   * Whether a node answers: true when a connection is open, or when one could be opened now (each
   * address tried once, within the connect timeout); never retries beyond that. What a health
   * check asks.
   */
  public boolean checkConnection() {
    try {
      connection();
      return true;
    } catch (ServerException e) {
      return false;
    }
  }

  /** Closes the connection; requests still waiting fail. */
  @Override
  public void close() {
    closed = true;
    retrier.close();
    synchronized (this) {
      if (current != null) {
        current.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    timeouts.shutdownNow();
  }

  /** Sends a request, retried as the class documentation says (for CroupierAdmin). */
  CompletableFuture<Envelope> request(Envelope.Builder request) {
    return retrier.run(n -> call(request));
  }

  /** Waits for a future, throwing its failure unwrapped (for CroupierAdmin). */
  static <T> T await(CompletableFuture<T> f) {
    return join(f);
  }

  private CompletableFuture<Envelope> call(Envelope.Builder request) {
    try {
      return Timeouts.within(connection().request(request), options.requestTimeout().toMillis(), timeouts)
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
