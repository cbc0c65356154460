package dev.croupier.node.internal.server;

import static dev.croupier.node.internal.server.BoundedRequestsTest.call;
import static dev.croupier.node.internal.server.BoundedRequestsTest.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobState;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.CompleteBatch;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Fail;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.proto.v1.Retry;
import dev.croupier.proto.v1.Success;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.Wire;
import dev.croupier.testing.RedisServerExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batched dispatches and completions over a real node: a claim's jobs travel in one
 * DispatchBatch to a worker that declared it takes them (plain Dispatch to one that did not), and
 * every entry of a CompleteBatch is settled on its own, exactly as a Complete sent alone would be.
 */
class BatchesTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static Envelope hello(boolean batches) {
    return Envelope.newBuilder().setCorrelationId(1).setHello(Hello.newBuilder()
        .setProtocolVersion(Wire.PROTOCOL_VERSION).setAcceptsDispatchBatch(batches)).build();
  }

  /** Connects a worker serving "f", enqueues {@code jobs} jobs, then grants credits for all. */
  private static RawPeer workerWithJobs(Nodes nodes, Node node, boolean batches, int jobs)
      throws IOException {
    RawPeer worker = new RawPeer(node);
    Envelope welcome = call(worker, hello(batches));
    assertThat(welcome.getWelcome().getAcceptsCompleteBatch()).isTrue();
    assertThat(call(worker, register(2, "f")).hasFunctionsRegistered()).isTrue();
    for (int i = 0; i < jobs; i++) {
      nodes.engine(0).enqueue("acme", "f", new byte[] {(byte) i}, EnqueueOptions.DEFAULTS);
    }
    if (jobs > 0) {
      worker.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("f", jobs)).build());
    }
    return worker;
  }

  /** Reads frames until {@code n} jobs came; returns the frames. */
  private static List<Envelope> framesWithJobs(RawPeer worker, int n) throws IOException {
    List<Envelope> frames = new ArrayList<>();
    int jobs = 0;
    while (jobs < n) {
      Envelope e = worker.read();
      assertThat(e).as("frames before the connection closed: %s", frames).isNotNull();
      if (e.hasDispatch() || e.hasDispatchBatch()) {
        frames.add(e);
        jobs += e.hasDispatch() ? 1 : e.getDispatchBatch().getDispatchesCount();
      }
    }
    return frames;
  }

  private static List<Dispatch> jobs(List<Envelope> frames) {
    List<Dispatch> out = new ArrayList<>();
    for (Envelope e : frames) {
      if (e.hasDispatch()) {
        out.add(e.getDispatch());
      } else {
        out.addAll(e.getDispatchBatch().getDispatchesList());
      }
    }
    return out;
  }

  /** A well-formed id of a job that does not exist: {@code id} with its last character changed. */
  private static String neverEnqueued(String id) {
    char last = id.charAt(id.length() - 1);
    return id.substring(0, id.length() - 1) + (last == 'A' ? 'B' : 'A');
  }

  private static Complete success(Dispatch d) {
    return complete(d, d.getLeaseToken()).setSuccess(Success.getDefaultInstance()).build();
  }

  private static Complete.Builder complete(Dispatch d, ByteString token) {
    return Complete.newBuilder().setJobId(d.getJobId()).setAttempt(d.getAttempt()).setLeaseToken(token);
  }

  @Test
  void jobsWaitingWhenCreditsCome_travelInOneDispatchBatch_eachWithItsOwnLeaseToken() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = workerWithJobs(nodes, node, true, 5)) {
        List<Envelope> frames = framesWithJobs(worker, 5);
        assertThat(frames).as("one claim round, one frame").hasSize(1);
        assertThat(frames.get(0).hasDispatchBatch()).isTrue();
        List<Dispatch> jobs = jobs(frames);
        assertThat(jobs).extracting(Dispatch::getLeaseToken).doesNotHaveDuplicates();
        CompleteBatch.Builder batch = CompleteBatch.newBuilder();
        jobs.forEach(d -> batch.addCompletes(success(d)));
        Envelope ack = call(worker, Envelope.newBuilder().setCorrelationId(3).setCompleteBatch(batch).build());
        assertThat(ack.getCompleteBatchAck().getResultsList()).hasSize(5).containsOnly(LeaseResult.ACCEPTED);
        for (Dispatch d : jobs) {
          assertThat(nodes.engine(0).lookup(d.getJobId()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        }
      }
    }
  }

  @Test
  void anIdleNode_sendsALoneJobAtOnce_asAPlainDispatch_andTakesItsPlainComplete() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = workerWithJobs(nodes, node, true, 0)) {
        worker.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("f", 5)).build());
        String id = nodes.engine(0).enqueue("acme", "f", new byte[] {1}, EnqueueOptions.DEFAULTS).jobId();
        List<Envelope> frames = framesWithJobs(worker, 1);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).getDispatch().getJobId()).isEqualTo(id);
        assertThat(call(worker, Envelope.newBuilder().setCorrelationId(3)
            .setComplete(success(frames.get(0).getDispatch())).build()).getCompleteAck().getResult())
            .isEqualTo(LeaseResult.ACCEPTED);
      }
    }
  }

  @Test
  void aWorkerThatDidNotDeclareBatches_getsPlainDispatches() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = workerWithJobs(nodes, node, false, 4)) {
        List<Envelope> frames = framesWithJobs(worker, 4);
        assertThat(frames).hasSize(4).allMatch(Envelope::hasDispatch);
        for (Dispatch d : jobs(frames)) {
          assertThat(call(worker, Envelope.newBuilder().setCorrelationId(10).setComplete(success(d)).build())
              .getCompleteAck().getResult()).isEqualTo(LeaseResult.ACCEPTED);
        }
      }
    }
  }

  @Test
  void completeBatch_withValidForgedStaleAndUnknownEntries_settlesEachOnItsOwn() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = workerWithJobs(nodes, node, true, 4)) {
        List<Dispatch> jobs = jobs(framesWithJobs(worker, 4));
        Dispatch done = jobs.get(0);
        Dispatch ok = jobs.get(1);
        Dispatch forged = jobs.get(2);
        Dispatch failed = jobs.get(3);
        assertThat(call(worker, Envelope.newBuilder().setCorrelationId(3).setComplete(success(done)).build())
            .getCompleteAck().getResult()).isEqualTo(LeaseResult.ACCEPTED);

        CompleteBatch batch = CompleteBatch.newBuilder()
            .addCompletes(success(ok))
            .addCompletes(complete(forged, ByteString.copyFromUtf8("A".repeat(22)))
                .setSuccess(Success.getDefaultInstance()))
            .addCompletes(success(done)) // settled already: its lease is over
            .addCompletes(complete(failed, failed.getLeaseToken()).setFail(Fail.newBuilder().setError("boom")))
            .addCompletes(complete(forged, ok.getLeaseToken()).setSuccess(Success.getDefaultInstance()))
            .addCompletes(Complete.newBuilder().setJobId(neverEnqueued(ok.getJobId())).setAttempt(1)
                .setLeaseToken(ok.getLeaseToken()).setSuccess(Success.getDefaultInstance()))
            .build();
        Envelope ack = call(worker, Envelope.newBuilder().setCorrelationId(4).setCompleteBatch(batch).build());
        assertThat(ack.getCompleteBatchAck().getResultsList()).as("%s", ack).containsExactly(
            LeaseResult.ACCEPTED, LeaseResult.UNKNOWN_JOB, LeaseResult.STALE, LeaseResult.ACCEPTED,
            LeaseResult.UNKNOWN_JOB, LeaseResult.UNKNOWN_JOB);
        assertThat(nodes.engine(0).lookup(ok.getJobId()).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(nodes.engine(0).lookup(failed.getJobId()).orElseThrow().state()).isEqualTo(JobState.DEAD);
        assertThat(nodes.engine(0).lookup(forged.getJobId()).orElseThrow().state())
            .as("guessed and borrowed tokens leave the job running").isEqualTo(JobState.RUNNING);

        // Its holder settles it with its own token: a retry, in a batch of one.
        Envelope last = call(worker, Envelope.newBuilder().setCorrelationId(5).setCompleteBatch(
            CompleteBatch.newBuilder().addCompletes(complete(forged, forged.getLeaseToken())
                .setRetry(Retry.newBuilder().setError("again").setHasRetryAfter(true).setRetryAfterMs(60_000))))
            .build());
        assertThat(last.getCompleteBatchAck().getResultsList()).containsExactly(LeaseResult.ACCEPTED);
        assertThat(nodes.engine(0).lookup(forged.getJobId()).orElseThrow().state()).isEqualTo(JobState.FAILED);
      }
    }
  }

  @Test
  void completeBatch_emptyOversizedOrMalformed_isRefusedWhole_andNothingIsSettled() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = workerWithJobs(nodes, node, true, 1)) {
        Dispatch d = jobs(framesWithJobs(worker, 1)).get(0);

        Envelope empty = call(worker, Envelope.newBuilder().setCorrelationId(3)
            .setCompleteBatch(CompleteBatch.getDefaultInstance()).build());
        assertThat(empty.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(empty.getError().getMessage()).contains("CompleteBatch.completes", "empty");

        CompleteBatch.Builder huge = CompleteBatch.newBuilder();
        for (int i = 0; i <= Limits.MAX_COMPLETE_BATCH; i++) {
          huge.addCompletes(success(d));
        }
        Envelope over = call(worker, Envelope.newBuilder().setCorrelationId(4).setCompleteBatch(huge).build());
        assertThat(over.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(over.getError().getMessage()).contains("CompleteBatch.completes", "1001", "1000");

        Envelope noOutcome = call(worker, Envelope.newBuilder().setCorrelationId(5).setCompleteBatch(
            CompleteBatch.newBuilder().addCompletes(success(d))
                .addCompletes(complete(d, d.getLeaseToken()))).build());
        assertThat(noOutcome.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(noOutcome.getError().getMessage()).contains("completes[1]", "no outcome");

        Envelope badId = call(worker, Envelope.newBuilder().setCorrelationId(8).setCompleteBatch(
            CompleteBatch.newBuilder().addCompletes(success(d))
                .addCompletes(success(d).toBuilder().setJobId("0-nosuchjob"))).build());
        assertThat(badId.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(badId.getError().getMessage()).contains("0-nosuchjob", "no completion of this batch");

        Envelope longToken = call(worker, Envelope.newBuilder().setCorrelationId(6).setCompleteBatch(
            CompleteBatch.newBuilder().addCompletes(success(d))
                .addCompletes(complete(d, ByteString.copyFrom(new byte[100]))
                    .setSuccess(Success.getDefaultInstance()))).build());
        assertThat(longToken.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(longToken.getError().getMessage()).contains("CompleteBatch.completes[1].lease_token");

        assertThat(nodes.engine(0).lookup(d.getJobId()).orElseThrow().state())
            .as("none of the refused batches settled the job").isEqualTo(JobState.RUNNING);
        assertThat(call(worker, Envelope.newBuilder().setCorrelationId(7).setComplete(success(d)).build())
            .getCompleteAck().getResult()).isEqualTo(LeaseResult.ACCEPTED);
      }
    }
  }

  @Test
  void completeBatch_withoutACorrelationId_closesTheConnection_likeAnyRequest() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = new RawPeer(node)) {
        assertThat(call(worker, hello(true)).hasWelcome()).isTrue();
        worker.send(Envelope.newBuilder().setCompleteBatch(CompleteBatch.newBuilder()
            .addCompletes(Complete.newBuilder().setJobId("0-x").setSuccess(Success.getDefaultInstance()))).build());
        List<Envelope> frames = worker.readUntilClosed();
        assertThat(frames).last().satisfies(e -> assertThat(e.getError().getCode())
            .isEqualTo(ErrorCode.INVALID_REQUEST));
      }
    }
  }
}
