package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.LeasedJob;
import dev.croupier.api.Outcome;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On an idle engine, an enqueue of jobs it takes at once itself claims them in its own round trip
 * (internal/claim/ClaimOnEnqueue); whatever that claim cannot settle is left to the claim loops.
 */
class ClaimOnEnqueueTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  /** A delivery, and the thread that made it. */
  private record Delivered(LeasedJob job, String thread, Instant at) {}

  /** A sink that records deliveries and completes each at once. */
  private static final class Recording extends CreditedSink {
    final BlockingQueue<Delivered> delivered = new LinkedBlockingQueue<>();
    private dev.croupier.engine.spi.Leases leases;

    Recording(String function) {
      super(function, 4);
    }

    @Override
    public void deliver(LeasedJob job) {
      delivered.add(new Delivered(job, Thread.currentThread().getName(), Instant.now()));
      // Completed without blocking the delivering thread; the credit comes back once it is.
      leases.completeAsync(job.id(), job.leaseToken(), new Outcome.Success(Duration.ZERO))
          .whenComplete((r, e) -> grant(1));
    }
  }

  private static EngineRuntime engine() {
    // A poll far longer than the test: what starts a job is a claim made on purpose.
    return EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(REDIS.newNamespace())
        .idlePoll(Duration.ofSeconds(30)).build());
  }

  private static Recording attach(EngineRuntime rt, String function) {
    rt.engine().registerFunction(FunctionSpec.newBuilder(function).build());
    Recording sink = new Recording(function);
    sink.leases = rt.leases();
    rt.leases().attach(sink);
    return sink;
  }

  @Test
  void anIdleEngine_claimsWhatItEnqueues_inTheEnqueuesRoundTrip() throws Exception {
    try (EngineRuntime rt = engine()) {
      Recording sink = attach(rt, "f");
      List<String> threads = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Thread.sleep(50); // the loop that the last completion woke is waiting again
        String id = rt.engine().enqueue(JobRequest.newBuilder("t1", "f").payload("x").build()).jobId();
        Delivered d = sink.delivered.poll(10, TimeUnit.SECONDS);
        assertThat(d).as("job %d started", i).isNotNull();
        assertThat(d.job().id()).isEqualTo(id);
        threads.add(d.thread());
      }
      // Leased by the enqueue's flush, not by a claim loop woken after it. Not every time on a
      // busy machine: a loop still finishing the round its last completion woke it for is not
      // waiting, and then it claims as before (none of them, without the riding claim).
      assertThat(threads.stream().filter(t -> t.startsWith("croupier-enqueues")).count())
          .as("jobs leased by the enqueue's flush, of 20: %s", threads).isGreaterThanOrEqualTo(10);
      assertThat(sink.delivered).isEmpty();
    }
  }

  @Test
  void whatTheRidingClaimCannotSettle_isLeftToTheClaimLoops() throws Exception {
    try (EngineRuntime rt = engine()) {
      Recording sink = attach(rt, "g");
      Thread.sleep(50);
      // Due in 300 ms: the claim in the enqueue's round trip finds nothing due, and the loops,
      // asleep for 30 s, must be told of the timer.
      Instant due = Instant.now().plusMillis(300);
      String delayed = rt.engine().enqueue(JobRequest.newBuilder("t1", "g").payload("x").runAt(due).build()).jobId();
      Delivered d = sink.delivered.poll(10, TimeUnit.SECONDS);
      assertThat(d).isNotNull();
      assertThat(d.job().id()).isEqualTo(delayed);
      assertThat(d.at()).isAfterOrEqualTo(due.minusMillis(5)).isBefore(due.plusSeconds(2));
      // More than one claim takes (credits 4): the rest is the loops' to lease, at once.
      List<JobRequest> many = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        many.add(JobRequest.newBuilder("t1", "g").payload("x").build());
      }
      Thread.sleep(20);
      rt.engine().enqueueBatch(many);
      for (int i = 0; i < 12; i++) {
        assertThat(sink.delivered.poll(10, TimeUnit.SECONDS)).as("job %d of the batch", i).isNotNull();
      }
      assertThat(sink.delivered.poll(200, TimeUnit.MILLISECONDS)).as("each delivered once").isNull();
    }
  }
}
