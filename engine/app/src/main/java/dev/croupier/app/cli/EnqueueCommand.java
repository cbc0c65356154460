package dev.croupier.app.cli;

import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.protocol.ServerException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code croupier enqueue}: enqueues jobs through a node and, with {@code --wait}, waits for all
 * of them and reports done, failed and elapsed time, showing progress on stderr while it waits
 * (when stderr is a terminal, or with {@code --progress}). Exits as {@link ExitCodes} says: 1 when
 * any job failed or timed out, 4 when the token may not enqueue for the tenant, 5 when no node
 * answered (the node's message on stderr).
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
    description = "Enqueues jobs through a node; with --wait, waits until every one has finished.")
public final class EnqueueCommand implements Callable<Integer> {

  /** Jobs per EnqueueBatch frame. */
  private static final int BATCH = 500;
  /** Watches outstanding at once: jobs finish roughly in order, so a window keeps the node light. */
  private static final int WATCH_WINDOW = 256;
  /** Batches awaiting their reply at once: enough to hide the round trip, few enough to leave
   *  the node room to dispatch while we enqueue. */
  private static final int BATCHES_IN_FLIGHT = 4;

  @Spec CommandSpec spec;
  @Mixin ConnectOptions connect;

  @Option(names = "--tenant", paramLabel = "X", required = true, description = "tenant of the jobs")
  String tenant;

  @Option(names = "--function", paramLabel = "F", required = true, description = "function of the jobs")
  String function;

  @Option(names = "--count", paramLabel = "N", defaultValue = "1",
      description = "how many jobs (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--payload", paramLabel = "S", defaultValue = "", description = "payload text")
  String payload;

  @Option(names = "--wait", description = "wait until every job has finished")
  boolean waitForJobs;

  @Option(names = "--progress",
      description = "with --wait: print progress to stderr even when it is not a terminal")
  boolean progress;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "60",
      description = "with --wait: seconds to wait in all (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be positive: " + count);
    }
    if (timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--timeout must be a positive number of seconds: " + timeoutSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    ClientOptions.Builder options = ClientOptions.newBuilder()
        .addresses(connect.addresses)
        .token(connect.token)
        .clientName("croupier-enqueue-cli");
    if (connect.tls || connect.tlsTrust != null) {
      options.tls(connect.tlsTrust);
    }
    try (CroupierClient client = CroupierClient.connect(options.build())) {
      long start = System.nanoTime();
      List<String> ids = enqueueAll(client);
      long enqueuedMs = (System.nanoTime() - start) / 1_000_000;
      if (!waitForJobs) {
        out.printf("enqueued=%d elapsed_ms=%d%n", ids.size(), enqueuedMs);
        if (ids.size() <= 10) {
          ids.forEach(out::println);
        }
        return 0;
      }
      Tally t = awaitAll(client, ids, start);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      out.printf("done=%d failed=%d timed_out=%d elapsed_ms=%d jobs_per_s=%.0f%n", t.done.get(),
          t.failed.get(), t.timedOut.get(), elapsedMs, t.done.get() * 1000.0 / Math.max(1, elapsedMs));
      out.flush();
      return t.done.get() == ids.size() ? 0 : 1;
    }
  }

  private List<String> enqueueAll(CroupierClient client) {
    JobRequest job = JobRequest.newBuilder(tenant, function).payload(payload).watched(waitForJobs).build();
    java.util.ArrayDeque<CompletableFuture<List<EnqueueResult>>> inFlight = new java.util.ArrayDeque<>();
    List<String> ids = new ArrayList<>(count);
    for (int sent = 0; sent < count; sent += BATCH) {
      if (inFlight.size() >= BATCHES_IN_FLIGHT) {
        collect(inFlight.removeFirst(), ids);
      }
      inFlight.add(client.enqueueBatchAsync(java.util.Collections.nCopies(Math.min(BATCH, count - sent), job)));
    }
    while (!inFlight.isEmpty()) {
      collect(inFlight.removeFirst(), ids);
    }
    return ids;
  }

  private static void collect(CompletableFuture<List<EnqueueResult>> batch, List<String> ids) {
    try {
      batch.join().forEach(e -> ids.add(e.jobId()));
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  private record Tally(AtomicLong done, AtomicLong failed, AtomicLong timedOut) {}

  /**
   * Prints "done/total, failed, rate" to stderr twice a second, on one line redrawn in place,
   * when stderr is a terminal or --progress asks; null when it does not.
   */
  private java.util.concurrent.ScheduledExecutorService startProgress(Tally t, int total, long startNanos) {
    if (!progress && System.console() == null) {
      return null;
    }
    java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("croupier-progress").factory());
    s.scheduleAtFixedRate(() -> printProgress(t, total, startNanos, '\r'), 500, 500,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return s;
  }

  private void stopProgress(java.util.concurrent.ScheduledExecutorService s, Tally t, int total, long startNanos) {
    if (s != null) {
      s.shutdownNow();
      printProgress(t, total, startNanos, '\r');
      spec.commandLine().getErr().println();
      spec.commandLine().getErr().flush();
    }
  }

  private void printProgress(Tally t, int total, long startNanos, char start) {
    long finished = t.done.get() + t.failed.get() + t.timedOut.get();
    double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
    PrintWriter err = spec.commandLine().getErr();
    err.printf("%cwaiting: %d/%d finished (%d failed), %.0f jobs/s, %.1f s", start, finished, total,
        t.failed.get() + t.timedOut.get(), finished / seconds, seconds);
    err.flush();
  }

  private Tally awaitAll(CroupierClient client, List<String> ids, long startNanos)
      throws InterruptedException {
    Tally t = new Tally(new AtomicLong(), new AtomicLong(), new AtomicLong());
    long deadline = startNanos + Duration.ofSeconds(timeoutSeconds).toNanos();
    Semaphore window = new Semaphore(WATCH_WINDOW);
    java.util.concurrent.ScheduledExecutorService reporter = startProgress(t, ids.size(), startNanos);
    for (String id : ids) {
      window.acquire();
      long left = Math.max(1, deadline - System.nanoTime());
      client.awaitCompletion(id, Duration.ofNanos(left)).whenComplete((status, err) -> {
        if (err == null) {
          (status.state() == JobState.SUCCEEDED ? t.done : t.failed).incrementAndGet();
        } else if (err instanceof CompletionException ce && ce.getCause() instanceof ServerException se
            && se.code().equals("TIMEOUT") || err instanceof ServerException se2
            && se2.code().equals("TIMEOUT")) {
          t.timedOut.incrementAndGet();
        } else {
          spec.commandLine().getErr().println("croupier: watching job " + id + ": "
              + (err.getCause() != null ? err.getCause().getMessage() : err.getMessage()));
          t.failed.incrementAndGet();
        }
        window.release();
      });
    }
    window.acquire(WATCH_WINDOW);
    stopProgress(reporter, t, ids.size(), startNanos);
    return t;
  }
}
