package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.CompleteBatch;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.DispatchBatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Fail;
import dev.croupier.proto.v1.Success;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameMeterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final NodeMeters meters = new NodeMeters(registry, 10, Set.of(),
      new WorkerRegistry(() -> { }, (peer, jobs) -> { }));

  private static Dispatch job(String id) {
    return Dispatch.newBuilder().setJobId(id).setTenant("acme").setFunction("mail").build();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void batchedDispatchesAndCompletions_countPerJob_likePlainOnes() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameMeter(meters));
    ch.writeOutbound(Envelope.newBuilder().setDispatchBatch(DispatchBatch.newBuilder()
        .addDispatches(job("a")).addDispatches(job("b"))).build());
    ch.writeOutbound(Envelope.newBuilder().setDispatch(job("c")).build());
    assertThat(counter("croupier.node.dispatches", "function", "mail")).isEqualTo(3);

    ch.writeInbound(Envelope.newBuilder().setCorrelationId(2).setCompleteBatch(CompleteBatch.newBuilder()
        .addCompletes(Complete.newBuilder().setJobId("a").setCostMs(5).setSuccess(Success.getDefaultInstance()))
        .addCompletes(Complete.newBuilder().setJobId("b").setFail(Fail.newBuilder().setError("x")))
        .addCompletes(Complete.newBuilder().setJobId("never-dispatched-here")
            .setSuccess(Success.getDefaultInstance()))).build());
    ch.writeInbound(Envelope.newBuilder().setCorrelationId(3).setComplete(Complete.newBuilder()
        .setJobId("c").setSuccess(Success.getDefaultInstance())).build());
    assertThat(counter("croupier.node.completions", "function", "mail", "outcome", "success")).isEqualTo(2);
    assertThat(counter("croupier.node.completions", "function", "mail", "outcome", "fail")).isEqualTo(1);
    ch.finishAndReleaseAll();
  }
}
