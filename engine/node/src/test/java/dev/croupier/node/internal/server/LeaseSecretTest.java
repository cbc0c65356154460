package dev.croupier.node.internal.server;

import static dev.croupier.node.internal.server.BoundedRequestsTest.call;
import static dev.croupier.node.internal.server.BoundedRequestsTest.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.JobState;
import dev.croupier.node.config.Tokens;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.proto.v1.Success;
import dev.croupier.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lease is proven by the secret token the node dispatched with the job, not by anything another
 * worker can know or guess (job id, attempt number): a worker token that may serve the function
 * cannot settle or extend a job running on another worker, and a foreign token is answered
 * exactly like a job that does not exist.
 */
class LeaseSecretTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void anotherWorker_cannotCompleteOrExtendAJobItWasNotDispatched() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start(b -> b.tokens(Tokens.parse("test", List.of(
          "worker-a-secret worker *", "worker-b-secret worker *"))));
      try (RawPeer holder = new RawPeer(node); RawPeer other = new RawPeer(node)) {
        assertThat(holder.hello("worker-a-secret").hasWelcome()).isTrue();
        assertThat(other.hello("worker-b-secret").hasWelcome()).isTrue();
        assertThat(call(holder, register(2, "f")).hasFunctionsRegistered()).isTrue();
        assertThat(call(other, register(2, "f")).hasFunctionsRegistered()).isTrue();
        holder.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("f", 1)).build());

        String id = nodes.engine(0).enqueue("acme", "f", "x".getBytes(StandardCharsets.UTF_8),
            EnqueueOptions.DEFAULTS).jobId();
        Dispatch d = nextDispatch(holder);
        assertThat(d.getJobId()).isEqualTo(id);
        assertThat(d.getLeaseToken().size()).as("lease token bytes").isGreaterThanOrEqualTo(16);

        // What the other worker can know: the id (it is no secret) and the attempt number.
        ByteString guessed = ByteString.copyFromUtf8("A".repeat(d.getLeaseToken().size()));
        for (ByteString token : List.of(ByteString.EMPTY, ByteString.copyFromUtf8("1"), guessed)) {
          assertThat(complete(other, 10, id, d.getAttempt(), token))
              .as("completion with token %s", token).isEqualTo(LeaseResult.UNKNOWN_JOB);
          assertThat(heartbeat(other, 11, id, d.getAttempt(), token))
              .as("heartbeat with token %s", token).isEqualTo(LeaseResult.UNKNOWN_JOB);
        }
        assertThat(nodes.engine(0).lookup(id).orElseThrow().state())
            .as("the job runs on, untouched").isEqualTo(JobState.RUNNING);

        assertThat(heartbeat(holder, 12, id, d.getAttempt(), d.getLeaseToken())).isEqualTo(LeaseResult.ACCEPTED);
        assertThat(complete(holder, 13, id, d.getAttempt(), d.getLeaseToken())).isEqualTo(LeaseResult.ACCEPTED);
        assertThat(nodes.engine(0).lookup(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(complete(holder, 14, id, d.getAttempt(), d.getLeaseToken()))
            .as("the holder's second completion: its lease is over").isEqualTo(LeaseResult.STALE);
      }
    }
  }

  @Test
  void aLeaseToken_proves_only_itsOwnJob() throws IOException {
    try (Nodes nodes = new Nodes(REDIS)) {
      Node node = nodes.start();
      try (RawPeer worker = new RawPeer(node)) {
        assertThat(worker.hello("").hasWelcome()).isTrue();
        assertThat(call(worker, register(2, "f")).hasFunctionsRegistered()).isTrue();
        worker.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("f", 2)).build());
        nodes.engine(0).enqueue("acme", "f", new byte[] {1}, EnqueueOptions.DEFAULTS);
        nodes.engine(0).enqueue("acme", "f", new byte[] {2}, EnqueueOptions.DEFAULTS);
        Dispatch a = nextDispatch(worker);
        Dispatch b = nextDispatch(worker);
        assertThat(a.getLeaseToken()).isNotEqualTo(b.getLeaseToken());
        assertThat(complete(worker, 20, a.getJobId(), a.getAttempt(), b.getLeaseToken()))
            .as("job a with job b's token").isEqualTo(LeaseResult.UNKNOWN_JOB);
        assertThat(complete(worker, 21, a.getJobId(), a.getAttempt(), a.getLeaseToken())).isEqualTo(LeaseResult.ACCEPTED);
        assertThat(complete(worker, 22, b.getJobId(), b.getAttempt(), b.getLeaseToken())).isEqualTo(LeaseResult.ACCEPTED);
      }
    }
  }

  private static Dispatch nextDispatch(RawPeer peer) throws IOException {
    Envelope e;
    while ((e = peer.read()) != null) {
      if (e.hasDispatch()) {
        return e.getDispatch();
      }
    }
    throw new AssertionError("connection closed before a dispatch");
  }

  private static LeaseResult complete(RawPeer peer, long cid, String id, int attempt, ByteString token)
      throws IOException {
    return call(peer, Envelope.newBuilder().setCorrelationId(cid).setComplete(Complete.newBuilder()
        .setJobId(id).setAttempt(attempt).setLeaseToken(token).setSuccess(Success.getDefaultInstance()))
        .build()).getCompleteAck().getResult();
  }

  private static LeaseResult heartbeat(RawPeer peer, long cid, String id, int attempt, ByteString token)
      throws IOException {
    return call(peer, Envelope.newBuilder().setCorrelationId(cid).setHeartbeat(Heartbeat.newBuilder()
        .addLeases(LeaseRef.newBuilder().setJobId(id).setAttempt(attempt).setLeaseToken(token)))
        .build()).getHeartbeatAck().getResults(0);
  }
}
