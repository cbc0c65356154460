package dev.croupier.worker.internal.run;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.execution.Execution;
import dev.croupier.api.execution.JobExecutor;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.FunctionRegistration;
import dev.croupier.proto.v1.Goodbye;
import dev.croupier.proto.v1.RegisterFunctions;
import dev.croupier.proto.v1.UnregisterFunctions;
import dev.croupier.protocol.JobMessages;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.internal.net.Connection;
import dev.croupier.worker.internal.net.ConnectionConfig;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.protocol.Specs;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's engine room (see the package documentation). Credits follow one invariant per
 * function: credits granted on the current connection and not yet used, plus jobs running, never
 * exceed the function's max in flight. Both are counted under {@link #lock}.
 */
public final class WorkerRuntime {

  private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

  private enum State { NEW, RUNNING, DRAINING, CLOSED }

  private final RuntimeSettings options;
  private final List<NodeAddress> addresses;
  private final ConnectionConfig config;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-worker"), NioIoHandler.newFactory());
  private final ScheduledExecutorService timer = JobExecutor.newTimer(1,
      Thread.ofPlatform().daemon().name("croupier-worker-timer").factory());
  private final ExecutorService handlers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("croupier-job-", 0).factory());
  private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
  private final Map<String, Execution> running = new ConcurrentHashMap<>();
  private final Completions completions = new Completions(() -> this.current, timer);
  private final JobExecutor executor;
  private final Object lock = new Object();
  private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
  private volatile Connection current;
  private volatile State state = State.NEW;
  private int nextAddress;
  private long backoffMs;

  private final WorkerMeters meters;

  /** A runtime that will connect as {@code options} say once started. */
  public WorkerRuntime(RuntimeSettings options) {
    this(options, WorkerMeters.NONE);
  }

  /** A runtime that will connect as {@code options} say once started, reporting to {@code meters}. */
  public WorkerRuntime(RuntimeSettings options, WorkerMeters meters) {
    this.options = options;
    this.meters = meters;
    this.addresses = options.addresses();
    this.config = options.connection();
    this.backoffMs = options.reconnectMinBackoff().toMillis();
    this.executor = new JobExecutor(meters.metered(
        new NodeLeases(() -> this.current, completions, () -> state == State.CLOSED)),
        InstantSource.system(), timer, handlers, config.connectTimeout(), options.tracing());
    meters.bind(this::running, this::connected);
  }

  // ---- lifecycle ----

  /** Starts connecting (in the background). */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("the worker was already started");
      }
      state = State.RUNNING;
    }
    timer.execute(this::connectNext);
  }

  /** Waits until the first connection is up and its registrations were answered. */
  public boolean awaitReady(Duration timeout) {
    try {
      firstReady.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Whether a connection to a node is up now. */
  public boolean connected() {
    Connection c = current;
    return c != null && c.isOpen();
  }

  /** Jobs running now. */
  public int running() {
    return running.size();
  }

  /**
   * Stops taking work, lets running jobs finish for up to the shutdown grace, hands back the rest
   * (a retry without delay), waits briefly for completions to be acknowledged, then closes.
   */
  public void close() {
    Connection c;
    synchronized (lock) {
      if (state == State.CLOSED || state == State.DRAINING) {
        return;
      }
      boolean started = state == State.RUNNING;
      state = State.DRAINING;
      c = current;
      if (!started) {
        shutdown();
        return;
      }
    }
    if (c != null) {
      c.send(goodbye());
    }
    long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
    waitUntil(running::isEmpty, deadline);
    for (Execution job : List.copyOf(running.values())) {
      if (executor.handBack(job, "the worker shut down before the job finished")) {
        log.info("handed back job {} of {}: the worker is shutting down", job.id(), job.function());
      }
    }
    waitUntil(completions::isEmpty, System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
    if (!completions.isEmpty()) {
      log.warn("{} completions were not acknowledged; those jobs come back after their leases expire",
          completions.size());
    }
    shutdown();
  }

  /** Closes at once: running jobs are interrupted and come back after their leases expire. */
  public void abort() {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
    }
    shutdown();
  }

  private void shutdown() {
    state = State.CLOSED;
    Connection c = current;
    if (c != null) {
      c.close();
    }
    handlers.shutdownNow();
    timer.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void waitUntil(java.util.function.BooleanSupplier done, long deadlineNanos) {
    while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---- functions ----

  /** Serves a function; registers it at once when connected (throwing if the node refuses). */
  public void register(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    Registration reg = new Registration(spec, maxInFlight, handler);
    if (registrations.putIfAbsent(spec.name(), reg) != null) {
      throw new IllegalStateException("function '" + spec.name() + "' is already registered");
    }
    Connection c = current;
    if (c != null) {
      try {
        registerOn(c, reg).join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof ServerException se
            && !se.code().equals(ServerException.CONNECTION_LOST)) {
          registrations.remove(spec.name(), reg);
          throw se;
        }
        // Connection lost: the next connection registers it.
      }
    }
  }

  /** Stops serving a function; its running jobs finish. */
  public void unregister(String function) {
    Registration reg = registrations.remove(function);
    if (reg == null) {
      return;
    }
    Connection c;
    synchronized (lock) {
      c = reg.liveOn;
      reg.liveOn = null;
    }
    if (c != null && c.isOpen()) {
      c.request(Envelope.newBuilder()
          .setUnregisterFunctions(UnregisterFunctions.newBuilder().addFunctions(function)));
    }
  }

  // ---- connecting ----

  private void connectNext() {
    if (state == State.CLOSED || state == State.NEW) {
      return;
    }
    NodeAddress a;
    synchronized (lock) {
      a = addresses.get(nextAddress);
      nextAddress = (nextAddress + 1) % addresses.size();
    }
    Connection.open(group, a, config, new Listener()).whenComplete((c, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        log.warn("cannot connect to {}: {}", a, cause.getMessage());
        scheduleReconnect();
      } else {
        ready(c);
      }
    });
  }

  private void scheduleReconnect() {
    if (state == State.CLOSED) {
      return;
    }
    long delay;
    synchronized (lock) {
      delay = ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1);
      backoffMs = Math.min(options.reconnectMaxBackoff().toMillis(), backoffMs * 2);
    }
    try {
      timer.schedule(this::connectNext, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("not reconnecting: the worker is closed");
    }
  }

  private void ready(Connection c) {
    synchronized (lock) {
      if (state == State.CLOSED) {
        c.close();
        return;
      }
      current = c;
      backoffMs = options.reconnectMinBackoff().toMillis();
    }
    log.info("connected to {} (node {})", c.address(), c.welcome().getNodeId());
    meters.connected();
    completions.resend(c);
    if (state == State.DRAINING) {
      c.send(goodbye());
      firstReady.complete(null);
      return;
    }
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Registration reg : registrations.values()) {
      all.add(registerOn(c, reg).exceptionally(e -> false));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete((x, e) -> firstReady.complete(null));
  }

  /** Registers one function on {@code c} and grants its free slots as credits. */
  private CompletableFuture<Boolean> registerOn(Connection c, Registration reg) {
    Envelope.Builder req = Envelope.newBuilder().setRegisterFunctions(RegisterFunctions.newBuilder()
        .addFunctions(FunctionRegistration.newBuilder()
            .setSpec(Specs.toProto(reg.spec))
            .setMaxInFlight(reg.slots.max())));
    return c.request(req).handle((reply, err) -> {
      if (err != null) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        if (cause instanceof ServerException se
            && !se.code().equals(ServerException.CONNECTION_LOST)) {
          log.error("{} refused function '{}': {}", c.address(), reg.name(), se.getMessage());
        }
        throw new CompletionException(cause);
      }
      int grant = 0;
      synchronized (lock) {
        if (current == c && reg.liveOn != c && registrations.get(reg.name()) == reg
            && state == State.RUNNING) {
          reg.liveOn = c;
          grant = reg.slots.reserve(reg.slots.max());
        }
      }
      sendCredits(c, reg.name(), grant);
      return true;
    });
  }

  private final class Listener implements Connection.Listener {
    @Override
    public void onPush(Connection c, Envelope env) {
      switch (env.getBodyCase()) {
        case DISPATCH -> startJob(c, env.getDispatch());
        case DISPATCH_BATCH -> startJobs(c, env.getDispatchBatch().getDispatchesList());
        case GOODBYE -> {
          log.info("{} is going away ({}); moving to the next node", c.address(),
              env.getGoodbye().getReason());
          c.close();
        }
        default -> log.debug("ignoring {} from {}", env.getBodyCase(), c.address());
      }
    }

    @Override
    public void onClosed(Connection c) {
      boolean wasCurrent;
      synchronized (lock) {
        wasCurrent = current == c;
        if (wasCurrent) {
          current = null;
          for (Registration reg : registrations.values()) {
            if (reg.liveOn == c) {
              reg.liveOn = null;
              reg.slots.releaseAll(); // the credits granted on c died with it
            }
          }
        }
      }
      if (wasCurrent && state != State.CLOSED) {
        log.info("lost the connection to {}; reconnecting", c.address());
        scheduleReconnect();
      }
    }
  }

  // ---- jobs ----

  /**
   * Starts a batch's jobs from one virtual thread rather than from the event loop: a virtual
   * thread started by another one joins its carrier's own queue, so the batch costs the
   * scheduler one wake-up instead of one per job (each of which, on a busy host, parks and wakes
   * a carrier thread again).
   */
  private void startJobs(Connection c, List<Dispatch> batch) {
    try {
      handlers.execute(() -> batch.forEach(d -> startJob(c, d)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      batch.forEach(d -> startJob(c, d)); // shutting down: each is handed back or left to its lease
    }
  }

  private void startJob(Connection c, Dispatch d) {
    Registration reg = registrations.get(d.getFunction());
    if (reg == null || state == State.CLOSED) {
      giveBack(d, "this worker no longer serves " + d.getFunction());
      return;
    }
    boolean started;
    boolean draining;
    synchronized (lock) {
      // Checked under the lock close() takes to start draining: a job starts only before that,
      // so close() waits for (or hands back) every job it let in, and none starts after.
      draining = state != State.RUNNING;
      started = !draining && reg.slots.start();
    }
    if (draining) {
      giveBack(d, "the worker is shutting down");
      return;
    }
    if (!started) {
      // Only a node that ignores credits gets here; the slots are a promise to the handler.
      log.warn("{} dispatched job {} of {} beyond its credits; handing it back", c.address(),
          d.getJobId(), d.getFunction());
      giveBack(d, "the worker had no free slot for it");
      return;
    }
    LeasedJob job = JobMessages.leasedJob(d);
    Duration lease = Duration.ofMillis(d.getLeaseTimeoutMs() > 0 ? d.getLeaseTimeoutMs()
        : reg.spec.leaseTimeout().toMillis());
    String key = key(job.id(), job.attempt());
    Execution e = executor.prepare(job, lease);
    running.put(key, e);
    if (!executor.start(e, reg.handler, done -> finished(reg, key, done))) {
      running.remove(key, e);
      reg.slots.finish(); // the runtime is shutting down: the lease runs out instead
    }
  }

  /** Returns a dispatched job at once, for immediate redelivery (an attempt is used up). */
  private void giveBack(Dispatch d, String why) {
    completions.send(JobMessages.complete(JobMessages.leasedJob(d),
        new Outcome.Retry(Duration.ZERO, why, Duration.ZERO)));
  }

  /** A job was settled: its slot frees up and goes back to the node as one credit. */
  private void finished(Registration reg, String key, Execution e) {
    running.remove(key, e);
    reg.slots.finish();
    Connection c;
    int grant = 0;
    synchronized (lock) {
      c = reg.liveOn;
      if (c != null && c == current && state == State.RUNNING
          && registrations.get(reg.name()) == reg) {
        grant = reg.slots.reserve(1);
      }
    }
    sendCredits(c, reg.name(), grant);
  }

  /** Grants credits; those granted at about the same time share one Credits frame. */
  private void sendCredits(Connection c, String function, int n) {
    if (c != null && n > 0) {
      c.grant(function, n);
    }
  }

  private static String key(String jobId, int attempt) {
    return jobId + "#" + attempt;
  }

  private static Envelope goodbye() {
    return Envelope.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setReason("worker shutting down")).build();
  }
}
