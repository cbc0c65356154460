package dev.croupier.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Envelope.BodyCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The worker's batching against a {@link FakeNode}: completions that finish while one is
 * unanswered go together as one CompleteBatch (never waiting for a timer), an idle one goes alone
 * at once, and a node that does not take batches gets plain Completes.
 */
class WorkerBatchesTest extends FakeNodeTest {

  static final Duration WAIT = WorkerTest.WAIT;

  void start(int maxInFlight, JobHandler handler) {
    worker = Worker.create(WorkerOptions.newBuilder().address(node.address())
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .shutdownGrace(Duration.ofSeconds(1)).build())
        .register(FunctionSpec.newBuilder("f").build(), maxInFlight, handler)
        .start();
    assertThat(worker.awaitReady(WAIT)).isTrue();
  }

  /** Credits received until they add up to {@code total}; returns how many frames carried them. */
  int creditFrames(int total) throws InterruptedException {
    int sum = 0;
    int frames = 0;
    while (sum < total) {
      sum += node.next(BodyCase.CREDITS, WAIT).getCredits().getGrantsOrThrow("f");
      frames++;
    }
    assertThat(sum).isEqualTo(total);
    return frames;
  }

  @Test
  void hello_saysTheWorkerTakesDispatchBatches() throws Exception {
    start(1, job -> { });
    assertThat(node.next(BodyCase.HELLO, WAIT).getHello().getAcceptsDispatchBatch()).isTrue();
  }

  @Test
  void completionsFinishingWhileOneIsUnanswered_goAsOneCompleteBatch_andAnIdleOneGoesAtOnce()
      throws Exception {
    node.takesCompleteBatches = true;
    node.holdAcks = true;
    CountDownLatch others = new CountDownLatch(1);
    start(10, job -> {
      if (!job.id().equals("first")) {
        others.await();
      }
    });
    assertThat(creditFrames(10)).isEqualTo(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ids.add("j" + i);
    }
    node.dispatch("first", "f", 1, 30_000);
    Envelope first = node.next(BodyCase.COMPLETE, WAIT);
    assertThat(first.getComplete().getJobId()).as("an idle worker's completion goes at once, alone")
        .isEqualTo("first");

    node.dispatchBatch("f", ids.toArray(String[]::new));
    WorkerTest.Await.running(worker, 9);
    others.countDown();
    WorkerTest.Await.running(worker, 0);
    // All nine finished while "first" was unanswered: they wait for its answer, not for a timer.
    assertThat(node.received.stream().anyMatch(e -> e.hasCompleteBatch() || e.hasComplete()
        && !e.getComplete().getJobId().equals("first"))).isFalse();
    node.holdAcks = false;
    node.releaseAcks();
    Envelope batch = node.next(BodyCase.COMPLETE_BATCH, WAIT);
    assertThat(batch.getCompleteBatch().getCompletesList()).extracting(Complete::getJobId)
        .containsExactlyInAnyOrderElementsOf(ids);
    assertThat(batch.getCompleteBatch().getCompletesList()).allMatch(Complete::hasSuccess);
    awaitCreditsGranted(20); // 10 at first, then one per finished job
    awaitAcknowledged();
  }

  @Test
  void aNodeThatDoesNotTakeBatches_getsPlainCompletes() throws Exception {
    node.holdAcks = true;
    CountDownLatch others = new CountDownLatch(1);
    start(4, job -> {
      if (!job.id().equals("first")) {
        others.await();
      }
    });
    creditFrames(4);
    node.dispatch("first", "f", 1, 30_000);
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("first");
    node.dispatchBatch("f", "a", "b", "c");
    WorkerTest.Await.running(worker, 3);
    others.countDown();
    WorkerTest.Await.running(worker, 0);
    node.holdAcks = false;
    node.releaseAcks();
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      got.add(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId());
    }
    assertThat(got).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(node.received.stream().noneMatch(Envelope::hasCompleteBatch)).isTrue();
    awaitAcknowledged();
  }

  /** Waits until the worker granted {@code total} credits in all (polling, no timing asserted). */
  private void awaitCreditsGranted(int total) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (node.log.stream().filter(Envelope::hasCredits)
        .mapToInt(e -> e.getCredits().getGrantsOrDefault("f", 0)).sum() < total) {
      assertThat(System.nanoTime()).as("credits granted: %s", node.log).isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(node.log.stream().filter(Envelope::hasCredits)
        .mapToInt(e -> e.getCredits().getGrantsOrDefault("f", 0)).sum()).isEqualTo(total);
  }

  /** Once the batch was answered nothing holds completions back: the next goes alone. */
  private void awaitAcknowledged() throws InterruptedException {
    node.dispatch("after", "f", 1, 30_000);
    assertThat(node.next(BodyCase.COMPLETE, WAIT).getComplete().getJobId()).isEqualTo("after");
  }
}
