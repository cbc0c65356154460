package dev.croupier.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.proto.v1.Envelope.BodyCase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's meters, in the registry given to its options, against a {@link FakeNode}. */
class WorkerMetersTest {

  static final Duration WAIT = Duration.ofSeconds(20);

  final FakeNode node = new FakeNode();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Worker worker;

  WorkerMetersTest() throws InterruptedException {}

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.abort();
    }
    node.close();
  }

  @Test
  void jobs_areCountedByOutcome_timed_andTheRunningOnesGauged() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    worker = Worker.create(WorkerOptions.newBuilder().address(node.address())
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .shutdownGrace(Duration.ofSeconds(1)).meterRegistry(registry).build())
        .register(FunctionSpec.newBuilder("f").build(), 4, job -> {
          switch (job.id()) {
            case "bad" -> throw new PermanentFailureException("no");
            case "slow" -> release.await();
            default -> { }
          }
        })
        .start();
    assertThat(worker.awaitReady(WAIT)).isTrue();
    node.next(BodyCase.CREDITS, WAIT);
    node.dispatch("ok", "f", 1, 30_000);
    node.dispatch("bad", "f", 1, 30_000);
    node.dispatch("slow", "f", 1, 30_000);
    node.next(BodyCase.COMPLETE, WAIT);
    node.next(BodyCase.COMPLETE, WAIT);
    System.gc(); // the gauges must outlive a collection (they once held their suppliers weakly)

    assertThat(registry.get("croupier.worker.jobs").tags("function", "f", "outcome", "success")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("croupier.worker.jobs").tags("function", "f", "outcome", "fail")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("croupier.worker.job.run").tag("function", "f").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("croupier.worker.jobs.active").gauge().value()).isEqualTo(1);
    assertThat(registry.get("croupier.worker.connected").gauge().value()).isEqualTo(1);
    assertThat(registry.get("croupier.worker.reconnects").counter().count()).isZero();

    node.dropConnection();
    until("a reconnect counted",
        () -> registry.get("croupier.worker.reconnects").counter().count() == 1);
    release.countDown();
    node.next(BodyCase.COMPLETE, WAIT);
    until("the slow job counted", () -> registry.get("croupier.worker.job.run")
        .tag("function", "f").timer().count() == 3);
    assertThat(registry.get("croupier.worker.job.run").timer().max(TimeUnit.NANOSECONDS)).isPositive();
  }

  private static void until(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(10);
    }
  }
}
