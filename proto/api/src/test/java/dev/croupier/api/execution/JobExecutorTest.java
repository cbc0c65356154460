package dev.croupier.api.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.JobHandler;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryLaterException;
import dev.croupier.api.tracing.OpenTelemetryTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobExecutorTest {

  /** A hand-written keeper: records completions, answers heartbeats as told. */
  static final class RecordingKeeper implements LeaseKeeper {
    final LinkedBlockingQueue<Outcome> completed = new LinkedBlockingQueue<>();
    final AtomicInteger extends_ = new AtomicInteger();
    volatile CompletionResult answer = CompletionResult.ACCEPTED;
    /** What complete answers: done at once unless a test holds it. */
    volatile CompletableFuture<Void> landed = CompletableFuture.completedFuture(null);

    @Override
    public CompletableFuture<CompletionResult> extend(LeasedJob job) {
      extends_.incrementAndGet();
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public CompletionStage<?> complete(LeasedJob job, Outcome outcome) {
      completed.add(outcome);
      return landed;
    }
  }

  final RecordingKeeper keeper = new RecordingKeeper();
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  final JobExecutor executor = new JobExecutor(keeper, InstantSource.system(), timer, handlers,
      Duration.ofSeconds(1));

  @AfterEach
  void stop() {
    timer.shutdownNow();
    handlers.shutdownNow();
  }

  static LeasedJob job() {
    return new LeasedJob("j1", "acme", "f", new byte[] {1}, 1, 3, Map.of(),
        Instant.now().plusSeconds(30), Instant.now(), Map.of(), "token");
  }

  Outcome run(JobHandler handler) throws InterruptedException {
    executor.start(executor.prepare(job(), Duration.ofSeconds(30)), handler, e -> {});
    Outcome o = keeper.completed.poll(5, TimeUnit.SECONDS);
    assertThat(o).as("the job was settled").isNotNull();
    return o;
  }

  @Test
  void success_isOneCompletion_withItsCost() throws Exception {
    Outcome o = run(job -> Thread.sleep(20));
    assertThat(o).isInstanceOfSatisfying(Outcome.Success.class,
        s -> assertThat(s.cost()).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
    assertThat(keeper.completed.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void retryLater_carriesItsTime_permanentFailure_failsForGood() throws Exception {
    Outcome retry = run(job -> {
      throw new RetryLaterException(Duration.ofSeconds(7), "429");
    });
    assertThat(retry).isInstanceOfSatisfying(Outcome.Retry.class, r -> {
      assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(r.error()).isEqualTo("429");
    });
    Outcome fail = run(job -> {
      throw new PermanentFailureException("bad number");
    });
    assertThat(fail).isInstanceOfSatisfying(Outcome.Fail.class,
        f -> assertThat(f.error()).isEqualTo("bad number"));
    assertThat(executor.handlerErrors()).as("chosen outcomes are not handler errors").isZero();
  }

  @Test
  void anyOtherException_isARetryWithBackoff_andCounted() throws Exception {
    Outcome o = run(job -> {
      throw new IllegalStateException("provider down");
    });
    assertThat(o).isInstanceOfSatisfying(Outcome.Retry.class, r -> {
      assertThat(r.retryAfter()).as("the function's backoff decides").isNull();
      assertThat(r.error()).contains("provider down");
    });
    assertThat(executor.handlerErrors()).isEqualTo(1);
  }

  @Test
  void longJob_isHeartbeated_andALostLeaseIsReported() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Execution e = executor.prepare(job(), Duration.ofMillis(150));
    executor.start(e, job -> release.await(), x -> {});
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (keeper.extends_.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(keeper.extends_.get()).as("heartbeats every third of the lease").isGreaterThanOrEqualTo(2);
    assertThat(e.heartbeat()).isTrue();
    keeper.answer = CompletionResult.STALE;
    assertThat(e.heartbeat()).as("a lost lease").isFalse();
    assertThat(e.lost()).isTrue();
    release.countDown();
    assertThat(keeper.completed.poll(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.Success.class);
  }

  @Test
  void handBack_settlesOnce_asAnImmediateRetry_andInterruptsTheHandler() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Execution e = executor.prepare(job(), Duration.ofSeconds(30));
    executor.start(e, job -> {
      started.countDown();
      Thread.sleep(60_000);
    }, x -> {});
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.handBack(e, "shutting down")).isTrue();
    assertThat(executor.handBack(e, "again")).isFalse();
    assertThat(keeper.completed.poll(5, TimeUnit.SECONDS)).isEqualTo(
        new Outcome.Retry(Duration.ZERO, "shutting down", Duration.ZERO));
    assertThat(keeper.completed.poll(300, TimeUnit.MILLISECONDS)).as("settled exactly once").isNull();
    assertThat(executor.handlerErrors()).as("an interrupt at shutdown is not a handler error").isZero();
  }

  @Test
  void handler_seesTheJobsHeaders_andRunsInTheTraceSetAtEnqueue() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build()) {
      JobExecutor traced = new JobExecutor(keeper, InstantSource.system(), timer, handlers,
          Duration.ofSeconds(1), OpenTelemetryTracing.of(otel));
      String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      LeasedJob job = new LeasedJob("j1", "acme", "f", new byte[0], 1, 3, Map.of(),
          Instant.now().plusSeconds(30), Instant.now(),
          Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01", "x-id", "7"), "token");
      LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
      traced.start(traced.prepare(job, Duration.ofSeconds(30)), ctx -> {
        seen.add(ctx.headers().get("x-id"));
        seen.add(Span.current().getSpanContext().getTraceId());
        throw new PermanentFailureException("no");
      }, e -> {});
      assertThat(keeper.completed.poll(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.Fail.class);
      assertThat(seen).containsExactly("7", traceId);
      assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(s -> {
        assertThat(s.getName()).isEqualTo("run f");
        assertThat(s.getTraceId()).isEqualTo(traceId);
        assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      });
    }
  }

  @Test
  void finished_waitsForTheKeepersStage_withoutHoldingTheHandlersThread() throws Exception {
    keeper.landed = new CompletableFuture<>();
    LinkedBlockingQueue<Thread> handlerThread = new LinkedBlockingQueue<>();
    CountDownLatch finished = new CountDownLatch(1);
    executor.start(executor.prepare(job(), Duration.ofSeconds(30)),
        job -> handlerThread.add(Thread.currentThread()), e -> finished.countDown());
    assertThat(keeper.completed.poll(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.Success.class);
    Thread t = handlerThread.poll(5, TimeUnit.SECONDS);
    assertThat(t).isNotNull();
    t.join(5000);
    assertThat(t.isAlive()).as("the handler's thread ended before the outcome landed").isFalse();
    assertThat(finished.getCount()).as("not finished before the keeper's stage completes").isEqualTo(1);
    keeper.landed.complete(null);
    assertThat(finished.await(5, TimeUnit.SECONDS)).as("finished once it completes").isTrue();
  }

  @Test
  void newTimer_dropsAJobsHeartbeatWhenTheJobEnds() throws Exception {
    ScheduledExecutorService own = JobExecutor.newTimer(1, Thread.ofPlatform().daemon().factory());
    try {
      JobExecutor ex = new JobExecutor(keeper, InstantSource.system(), own, handlers, Duration.ofSeconds(1));
      CountDownLatch finished = new CountDownLatch(1);
      ex.start(ex.prepare(job(), Duration.ofSeconds(30)), job -> {}, e -> finished.countDown());
      assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
      // A plain scheduled pool would keep the cancelled heartbeat queued for 10 s (a third of the
      // lease), and wake for it then.
      assertThat(((ScheduledThreadPoolExecutor) own).getQueue())
          .as("no heartbeat left queued for an ended job").isEmpty();
    } finally {
      own.shutdownNow();
    }
  }
}
