package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.testing.RedisServerExtension;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every request is bounded: out-of-range values and oversized lists are refused with an error
 * that names the field, and no request makes the node do unbounded work.
 */
class BoundedRequestsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static Nodes nodes;
  static Node node;

  @BeforeAll
  static void start() {
    nodes = new Nodes(REDIS);
    node = nodes.start();
    nodes.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }

  static RawPeer connected() throws IOException {
    RawPeer peer = new RawPeer(node);
    assertThat(peer.hello("").hasWelcome()).isTrue();
    return peer;
  }

  static Envelope enqueue(long cid, EnqueueItem.Builder item) {
    return Envelope.newBuilder().setCorrelationId(cid)
        .setEnqueue(Enqueue.newBuilder().setItem(item.setTenant("acme").setFunction("f"))).build();
  }

  @Test
  void enqueue_whenDelayOverflows_isRefused() throws IOException {
    try (RawPeer peer = connected()) {
      peer.send(enqueue(2, EnqueueItem.newBuilder().setDelayMs(Long.MAX_VALUE)));
      Envelope reply = peer.read();
      assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(reply.getError().getMessage()).contains("delay_ms");
    }
  }

  @Test
  void enqueue_whenRunAtIsAnUnsignedHugeValue_isRefusedNotRunNow() throws IOException {
    try (RawPeer peer = connected()) {
      peer.send(enqueue(2, EnqueueItem.newBuilder().setRunAtMs(-1L)));
      Envelope reply = peer.read();
      assertThat(reply.getError().getCode()).as("%s", reply).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(reply.getError().getMessage()).contains("run_at_ms", "18446744073709551615");
    }
  }
}
