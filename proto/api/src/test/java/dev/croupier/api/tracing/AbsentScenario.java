package dev.croupier.api.tracing;

import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.CompletionResult;
import dev.croupier.api.execution.JobExecutor;
import dev.croupier.api.execution.LeaseKeeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@link OpenTelemetryAbsentTest} runs inside its class loader: detects tracing, enqueues
 * and runs a job with headers through the one execution path; reports what it saw.
 */
public final class AbsentScenario implements Callable<List<String>> {

  @Override
  public List<String> call() throws Exception {
    List<String> seen = new ArrayList<>();
    JobTracing tracing = JobTracing.detect();
    seen.add(tracing.getClass().getSimpleName());
    JobRequest r = tracing.enqueue(List.of(JobRequest.newBuilder("acme", "f").header("X-Id", "7").build()))
        .requests().get(0);
    seen.add("headers=" + r.options().headers());

    LinkedBlockingQueue<Outcome> done = new LinkedBlockingQueue<>();
    LeaseKeeper keeper = new LeaseKeeper() {
      @Override
      public CompletableFuture<CompletionResult> extend(LeasedJob job) {
        return CompletableFuture.completedFuture(CompletionResult.ACCEPTED);
      }

      @Override
      public CompletionStage<?> complete(LeasedJob job, Outcome outcome) {
        done.add(outcome);
        return CompletableFuture.completedFuture(null);
      }
    };
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    try {
      JobExecutor executor = new JobExecutor(keeper, InstantSource.system(), timer, handlers,
          Duration.ofSeconds(1), tracing);
      LeasedJob job = new LeasedJob("0-j", "acme", "f", new byte[0], 1, 3, Map.of(),
          Instant.now().plusSeconds(30), Instant.now(), r.options().headers(), "token");
      executor.start(executor.prepare(job, Duration.ofSeconds(30)),
          ctx -> seen.add("handler saw " + ctx.headers()), e -> { });
      Outcome o = done.poll(10, TimeUnit.SECONDS);
      seen.add("outcome " + (o == null ? "none" : o.getClass().getSimpleName()));
    } finally {
      timer.shutdownNow();
      handlers.shutdownNow();
    }
    return seen;
  }
}
