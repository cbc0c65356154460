package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.Wire;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();

  static Dispatch job(String id, int payloadBytes) {
    return Dispatch.newBuilder().setJobId(id).setFunction("f").setTenant("t")
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .setLeaseToken(ByteString.copyFromUtf8("token-" + id)).build();
  }

  private List<Envelope> written() {
    channel.runPendingTasks();
    List<Envelope> out = new ArrayList<>();
    Envelope e;
    while ((e = channel.readOutbound()) != null) {
      out.add(e);
    }
    return out;
  }

  @Test
  void jobsQueuedTogether_goAsOneDispatchBatch_toAPeerThatTakesThem() {
    Outbox outbox = new Outbox(channel, true);
    for (int i = 0; i < 5; i++) {
      outbox.dispatch(List.of(job("j" + i, 10)));
    }
    List<Envelope> frames = written();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).getDispatchBatch().getDispatchesList()).extracting(Dispatch::getJobId)
        .containsExactly("j0", "j1", "j2", "j3", "j4");
    assertThat(frames.get(0).getDispatchBatch().getDispatches(3).getLeaseToken().toStringUtf8())
        .as("each entry keeps its own lease secret").isEqualTo("token-j3");
  }

  @Test
  void aClaimsJobs_goAsOneDispatchBatch() {
    Outbox outbox = new Outbox(channel, true);
    outbox.dispatch(List.of(job("a", 10), job("b", 10), job("c", 10)));
    List<Envelope> frames = written();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).getDispatchBatch().getDispatchesList()).extracting(Dispatch::getJobId)
        .containsExactly("a", "b", "c");
  }

  @Test
  void aLoneJob_goesAsAPlainDispatch_atOnce() {
    Outbox outbox = new Outbox(channel, true);
    outbox.dispatch(List.of(job("only", 10)));
    List<Envelope> frames = written();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).getDispatch().getJobId()).isEqualTo("only");
  }

  @Test
  void aPeerThatDidNotDeclareBatches_getsOnlyPlainDispatch() {
    Outbox outbox = new Outbox(channel, false);
    for (int i = 0; i < 3; i++) {
      outbox.dispatch(List.of(job("j" + i, 10)));
    }
    assertThat(written()).extracting(e -> e.getBodyCase().name() + ":" + e.getDispatch().getJobId())
        .containsExactly("DISPATCH:j0", "DISPATCH:j1", "DISPATCH:j2");
  }

  @Test
  void batches_keepToTheirByteLimit_andFramesKeepTheirOrder() {
    Outbox outbox = new Outbox(channel, true);
    int big = Limits.MAX_DISPATCH_BATCH_BYTES / 3;
    outbox.dispatch(List.of(job("a", big)));
    outbox.dispatch(List.of(job("b", big)));
    outbox.dispatch(List.of(job("c", big))); // does not fit beside a and b
    outbox.send(Wire.error(7, ErrorCode.NOT_FOUND, "reply"));
    outbox.dispatch(List.of(job("d", 10)));
    outbox.dispatch(List.of(job("huge", Limits.MAX_DISPATCH_BATCH_BYTES + 1)));
    List<Envelope> frames = written();
    assertThat(frames).extracting(e -> e.getBodyCase().name()).containsExactly(
        "DISPATCH_BATCH", "DISPATCH", "ERROR", "DISPATCH", "DISPATCH");
    assertThat(frames.get(0).getSerializedSize()).isLessThanOrEqualTo(Limits.MAX_DISPATCH_BATCH_BYTES);
    assertThat(frames.get(1).getDispatch().getJobId()).isEqualTo("c");
    assertThat(frames.get(3).getDispatch().getJobId()).isEqualTo("d");
    assertThat(frames.get(4).getDispatch().getJobId()).isEqualTo("huge");
  }

  @Test
  void batches_holdAtMostTheLimitOfJobs() {
    Outbox outbox = new Outbox(channel, true);
    for (int i = 0; i < Limits.MAX_DISPATCH_BATCH + 1; i++) {
      outbox.dispatch(List.of(job("j" + i, 0)));
    }
    List<Envelope> frames = written();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).getDispatchBatch().getDispatchesCount()).isEqualTo(Limits.MAX_DISPATCH_BATCH);
    assertThat(frames.get(1).getDispatch().getJobId()).isEqualTo("j" + Limits.MAX_DISPATCH_BATCH);
  }

  @Test
  void framesQueuedAfterAWrite_goInTheNextOne() {
    Outbox outbox = new Outbox(channel, true);
    outbox.dispatch(List.of(job("first", 10)));
    assertThat(written()).hasSize(1);
    outbox.dispatch(List.of(job("second", 10)));
    assertThat(written()).extracting(e -> e.getDispatch().getJobId()).containsExactly("second");
  }

  @Test
  void aClosingConnection_getsNothingMore() {
    Outbox outbox = new Outbox(channel, true);
    outbox.dispatch(List.of(job("j", 10)));
    ProtocolErrorHandler.closeWithError(channel, ErrorCode.SLOW_CONSUMER, "bye");
    assertThat(written()).extracting(e -> e.getBodyCase().name()).containsExactly("ERROR");
  }
}
