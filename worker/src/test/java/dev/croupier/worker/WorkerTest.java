package dev.croupier.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope.BodyCase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker against a {@link FakeNode}: credits, completions, heartbeats, shutdown. */
class WorkerTest extends FakeNodeTest {

  static final Duration WAIT = Duration.ofSeconds(20);

  Worker start(int maxInFlight, JobHandler handler, Duration shutdownGrace) {
    worker = Worker.create(WorkerOptions.newBuilder().address(node.address())
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .shutdownGrace(shutdownGrace).build())
        .register(FunctionSpec.newBuilder("f").build(), maxInFlight, handler)
        .start();
    assertThat(worker.awaitReady(WAIT)).isTrue();
    return worker;
  }

  int credits() throws InterruptedException {
    return node.next(BodyCase.CREDITS, WAIT).getCredits().getGrantsOrThrow("f");
  }

  @Test
  void connect_grantsMaxInFlight_thenOneCreditPerFinishedJob() throws Exception {
    start(3, job -> {}, Duration.ofSeconds(1));
    assertThat(credits()).isEqualTo(3);
    node.dispatch("j1", "f", 1, 30_000);
    Complete c = node.next(BodyCase.COMPLETE, WAIT).getComplete();
    assertThat(c.getJobId()).isEqualTo("j1");
    assertThat(c.getAttempt()).isEqualTo(1);
    assertThat(c.hasSuccess()).isTrue();
    assertThat(credits()).isEqualTo(1);
  }

  @Test
  void jobsThatEndAtOnce_leaveNothingRunning() throws Exception {
    start(8, job -> {}, Duration.ofSeconds(30));
    credits();
    for (int i = 0; i < 8; i++) {
      node.dispatch("j" + i, "f", 1, 30_000);
    }
    for (int i = 0; i < 8; i++) {
      node.next(BodyCase.COMPLETE, WAIT);
    }
    // A job that ends before the runtime tracks it must not stay tracked: close() would wait
    // for it for the whole shutdown grace.
    Await.running(worker, 0);
  }

  @Test
  void reconnect_grantsOnlyFreeSlots_andResendsUnacknowledgedCompletions() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(2, job -> {
      if (job.id().equals("slow")) {
        release.await();
      }
    }, Duration.ofSeconds(1));
    assertThat(credits()).isEqualTo(2);
    node.dispatch("slow", "f", 1, 30_000);
    node.ackCompletes = false;
    node.dispatch("quick", "f", 1, 30_000);
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("quick");

    node.dropConnection();
    node.ackCompletes = true;
    node.next(BodyCase.HELLO, WAIT);
    // "quick"'s completion comes again (first thing on the new connection), and with "slow"
    // still running only one slot is free.
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("quick");
    assertThat(credits()).isEqualTo(1);
    release.countDown();
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("slow");
    assertThat(credits()).isEqualTo(1);
  }

  @Test
  void longJob_isHeartbeatedAboutEveryThirdOfItsLease() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(1, job -> release.await(), Duration.ofSeconds(1));
    node.dispatch("long", "f", 4, 600);
    var hb = node.next(BodyCase.HEARTBEAT, WAIT).getHeartbeat().getLeases(0);
    assertThat(hb.getJobId()).isEqualTo("long");
    assertThat(hb.getAttempt()).isEqualTo(4);
    node.next(BodyCase.HEARTBEAT, WAIT);
    release.countDown();
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().hasSuccess()).isTrue();
  }

  @Test
  void close_saysGoodbye_thenHandsBackJobsThatOutliveTheGrace() throws Exception {
    start(1, job -> new CountDownLatch(1).await(), Duration.ofMillis(200));
    node.dispatch("stuck", "f", 2, 30_000);
    Await.running(worker, 1);
    worker.close();
    node.next(BodyCase.GOODBYE, WAIT);
    Complete c = node.next(BodyCase.COMPLETE, WAIT).getComplete();
    assertThat(c.getJobId()).isEqualTo("stuck");
    assertThat(c.hasRetry()).isTrue();
    assertThat(c.getRetry().getHasRetryAfter()).isTrue();
    assertThat(c.getRetry().getRetryAfterMs()).isZero();
  }

  @Test
  void handlerExceptions_becomeRetryOrFail() throws Exception {
    start(2, job -> {
      switch (job.id()) {
        case "later" -> throw new dev.croupier.api.RetryLaterException(Duration.ofSeconds(7), "429");
        case "never" -> throw new dev.croupier.api.PermanentFailureException("bad input");
        default -> throw new IllegalStateException("boom");
      }
    }, Duration.ofSeconds(1));
    node.dispatch("later", "f", 1, 30_000);
    Complete later = node.next(BodyCase.COMPLETE, WAIT).getComplete();
    assertThat(later.getRetry().getRetryAfterMs()).isEqualTo(7000);
    node.dispatch("never", "f", 1, 30_000);
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getFail().getError())
        .isEqualTo("bad input");
    node.dispatch("other", "f", 1, 30_000);
    Complete other = node.next(BodyCase.COMPLETE, WAIT).getComplete();
    assertThat(other.getRetry().getHasRetryAfter()).isFalse();
    assertThat(other.getRetry().getError()).contains("boom");
  }

  @Test
  void dispatchBeyondCredits_isHandedBack_andNeverRunsOverMaxInFlight() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(1, job -> release.await(), Duration.ofSeconds(1));
    node.dispatch("first", "f", 1, 30_000);
    Await.running(worker, 1);
    node.dispatch("second", "f", 1, 30_000);
    Complete c = node.next(BodyCase.COMPLETE, WAIT).getComplete();
    assertThat(c.getJobId()).isEqualTo("second");
    assertThat(c.getRetry().getHasRetryAfter()).isTrue();
    assertThat(worker.running()).isEqualTo(1);
    release.countDown();
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("first");
  }

  /** Polling waits, never assertions about speed. */
  static final class Await {
    static void running(Worker w, int n) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (w.running() != n) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("worker never ran " + n + " job(s)");
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void headers_reachTheHandler_withoutOpenTelemetryOnTheClassPath() throws Exception {
    assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.GlobalOpenTelemetry"))
        .as("this module's tests run without OpenTelemetry").isInstanceOf(ClassNotFoundException.class);
    assertThat(WorkerOptions.newBuilder().address("127.0.0.1:1").build().tracing()).isSameAs(JobTracing.none());
    LinkedBlockingQueue<Map<String, String>> seen = new LinkedBlockingQueue<>();
    start(1, job -> seen.add(job.headers()), Duration.ofSeconds(1));
    assertThat(credits()).isEqualTo(1);
    Map<String, String> headers = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-id", "7");
    node.dispatch(Dispatch.newBuilder().setJobId("j1").setTenant("t").setFunction("f").setAttempt(1)
        .setMaxAttempts(5).setLeaseTimeoutMs(30_000).setDeadlineMs(System.currentTimeMillis() + 30_000)
        .putAllHeaders(headers).build());
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().hasSuccess()).isTrue();
    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(headers);
  }
}
