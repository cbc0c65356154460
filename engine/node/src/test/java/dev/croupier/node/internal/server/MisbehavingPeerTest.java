package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.protobuf.ByteString;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Ping;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Wire;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peers that break the protocol get a typed error and/or a clean close, and a well-behaved client
 * on the same node notices nothing.
 */
class MisbehavingPeerTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static Nodes nodes;
  static Node node;
  static CroupierClient bystander;

  @BeforeAll
  static void startNode() {
    nodes = new Nodes(REDIS);
    node = nodes.start(b -> b
        .maxFrameBytes(64 << 10)
        .writeBuffer(16 << 10, 64 << 10)
        .maxOutboundBytes(256 << 10)
        .slowReaderGrace(Duration.ofMillis(500))
        .helloTimeout(Duration.ofSeconds(2)));
    nodes.engine(0).registerFunction(dev.croupier.api.FunctionSpec.newBuilder("noop").build());
    bystander = CroupierClient.connect(ClientOptions.newBuilder()
        .address(Nodes.address(node)).build());
  }

  @AfterAll
  static void stopNode() {
    bystander.close();
    nodes.close();
  }

  @AfterEach
  void bystanderStillServed() {
    EnqueueResult e = bystander.enqueue(JobRequest.newBuilder("calm", "noop").payload("x").build());
    assertThat(bystander.lookup(e.jobId())).isPresent();
  }

  static ErrorCode lastErrorCode(List<Envelope> frames) {
    assertThat(frames).as("frames before close").isNotEmpty();
    Envelope last = frames.get(frames.size() - 1);
    assertThat(last.hasError()).as("last frame %s", last).isTrue();
    return last.getError().getCode();
  }

  @Test
  void garbageBytes_getTypedErrorAndClose() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      byte[] garbage = new byte[64];
      ThreadLocalRandom.current().nextBytes(garbage);
      garbage[0] = 20; // a plausible length, then bytes that are no Envelope
      garbage[1] = (byte) 0xFF;
      garbage[2] = (byte) 0xFF;
      peer.sendBytes(garbage);
      assertThat(lastErrorCode(peer.readUntilClosed()))
          .isIn(ErrorCode.BAD_FRAME, ErrorCode.UNKNOWN_MESSAGE);
    }
  }

  @Test
  void garbage_fromManyConnections_isLoggedOncePerWindow_notOncePerFrame() throws IOException {
    try (LogCapture log = new LogCapture(ProtocolErrorHandler.class)) {
      for (int i = 0; i < 30; i++) {
        try (RawPeer peer = new RawPeer(node)) {
          assertThat(peer.hello("").hasWelcome()).isTrue();
          peer.sendBytes(new byte[] {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0});
          assertThat(lastErrorCode(peer.readUntilClosed())).isEqualTo(ErrorCode.BAD_FRAME);
        }
      }
      assertThat(log.atLeast(Level.INFO)).as("lines logged for 30 bad frames")
          .hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void errorFrames_fromOnePeer_areLoggedOncePerWindow_notOncePerFrame() throws IOException {
    try (LogCapture log = new LogCapture(RequestRouter.class);
        RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      Envelope complaint = Wire.error(0, ErrorCode.INTERNAL, "x".repeat(1000));
      for (int i = 0; i < 200; i++) {
        peer.send(complaint);
      }
      peer.send(lookup(5));
      assertThat(peer.read().getCorrelationId()).isEqualTo(5);
      assertThat(log.atLeast(Level.INFO)).as("lines logged for 200 Error frames")
          .hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void garbageBeforeHello_getsErrorAndClose() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      peer.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      assertThat(lastErrorCode(peer.readUntilClosed()))
          .isIn(ErrorCode.BAD_FRAME, ErrorCode.FRAME_TOO_LARGE, ErrorCode.UNAUTHENTICATED);
    }
  }

  @Test
  void ping_beforeHello_isNotEchoed_butUnauthenticatedAndClosed() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      peer.send(Envelope.newBuilder().setCorrelationId(7).setPing(Ping.newBuilder()
          .setData(ByteString.copyFrom(new byte[48 << 10]))).build());
      List<Envelope> frames = peer.readUntilClosed();
      assertThat(frames).noneMatch(Envelope::hasPong);
      assertThat(lastErrorCode(frames)).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
  }

  @Test
  void oversizedFrame_getsFrameTooLargeAndClose() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      Envelope big = Envelope.newBuilder().setPing(Ping.newBuilder()
          .setData(ByteString.copyFrom(new byte[100 << 10]))).build();
      try {
        peer.send(big);
      } catch (IOException e) {
        // the node may close before it has read everything
      }
      assertThat(lastErrorCode(peer.readUntilClosed())).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void unknownMessage_getsUnknownMessage_andConnectionStaysUsable() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      peer.send(Envelope.newBuilder().setCorrelationId(2).build());
      Envelope err = peer.read();
      assertThat(err.getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_MESSAGE);
      assertThat(err.getCorrelationId()).isEqualTo(2);
      peer.send(Envelope.newBuilder().setCorrelationId(3).setWelcome(Welcome.getDefaultInstance()).build());
      assertThat(peer.read().getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_MESSAGE);
      peer.send(Envelope.newBuilder().setCorrelationId(4).setPing(Ping.getDefaultInstance()).build());
      Envelope pong = peer.read();
      assertThat(pong.hasPong()).isTrue();
      assertThat(pong.getCorrelationId()).isEqualTo(4);
    }
  }

  static Envelope lookup(long cid) {
    return Envelope.newBuilder().setCorrelationId(cid)
        .setLookup(Lookup.newBuilder().setJobId("0-00000000000000000000000000")).build();
  }

  @Test
  void creditsForUnregisteredFunction_withoutCorrelationId_areDropped_notAnsweredWithErrorZero()
      throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      peer.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("ghost", 1)).build());
      peer.send(lookup(5));
      Envelope next = peer.read();
      // An Error with id 0 would mean "closing" while the connection stayed open.
      assertThat(next.getCorrelationId()).as("%s", next).isEqualTo(5);
      assertThat(next.getError().getCode()).isEqualTo(ErrorCode.NOT_FOUND);
    }
  }

  @Test
  void creditsForUnregisteredFunction_withCorrelationId_getOneInvalidRequestWithThatId()
      throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      peer.send(Envelope.newBuilder().setCorrelationId(9)
          .setCredits(Credits.newBuilder().putGrants("ghost", 1).putGrants("spectre", 2)).build());
      peer.send(lookup(10));
      Envelope err = peer.read();
      assertThat(err.getCorrelationId()).isEqualTo(9);
      assertThat(err.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(err.getError().getMessage()).contains("ghost", "spectre");
      assertThat(peer.read().getCorrelationId()).isEqualTo(10);
    }
  }

  @Test
  void unknownMessage_withoutCorrelationId_isIgnored() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      peer.send(Envelope.getDefaultInstance());
      peer.send(lookup(5));
      assertThat(peer.read().getCorrelationId()).isEqualTo(5);
    }
  }

  @Test
  void request_withoutCorrelationId_getsErrorZeroAndClose() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      peer.socket.setSoTimeout(5_000);
      assertThat(peer.hello("").hasWelcome()).isTrue();
      peer.send(lookup(0));
      List<Envelope> frames = peer.readUntilClosed();
      assertThat(lastErrorCode(frames)).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(frames.get(frames.size() - 1).getError().getMessage()).contains("correlation_id");
    }
  }

  @Test
  void framesAfterTheOneThatCloses_areNotAnswered_soErrorZeroStaysLast() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      peer.socket.setSoTimeout(5_000);
      assertThat(peer.hello("").hasWelcome()).isTrue();
      // One write, so the node reads both frames in one batch: the first closes the connection.
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      lookup(0).writeDelimitedTo(both);
      Envelope.newBuilder().setCorrelationId(5).setPing(Ping.getDefaultInstance()).build()
          .writeDelimitedTo(both);
      peer.sendBytes(both.toByteArray());
      List<Envelope> frames = peer.readUntilClosed();
      assertThat(frames).as("%s", frames).hasSize(1);
      assertThat(frames.get(0).getCorrelationId()).isZero();
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
  }

  @Test
  void wrongProtocolVersion_getsUnsupportedVersionAndClose() throws IOException {
    try (RawPeer peer = new RawPeer(node)) {
      peer.send(Envelope.newBuilder().setCorrelationId(1).setHello(Hello.newBuilder()
          .setProtocolVersion(2)).build());
      List<Envelope> frames = peer.readUntilClosed();
      assertThat(lastErrorCode(frames)).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
      assertThat(frames.get(0).getCorrelationId()).isEqualTo(1);
    }
  }

  @Test
  void slowReader_isDisconnected_withoutHoldingUpOthers() throws IOException {
    int before = node.connections();
    try (RawPeer peer = new RawPeer(node, 4096)) {
      assertThat(peer.hello("").hasWelcome()).isTrue();
      Envelope ping = Envelope.newBuilder().setPing(Ping.newBuilder()
          .setData(ByteString.copyFrom(new byte[32 << 10]))).build();
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      ping.writeDelimitedTo(frame);
      byte[] bytes = frame.toByteArray();
      try {
        // Never reads the pongs; the node must give up on it, not buffer without bound.
        for (int i = 0; i < 4000 && !peer.socket.isClosed(); i++) {
          peer.sendBytes(bytes);
          if (i % 50 == 0) {
            // the bystander is served while this peer clogs its own connection
            assertThat(bystander.lookup("0-00000000000000000000000000")).isEmpty();
          }
        }
      } catch (IOException e) {
        // the node closed us: expected
      }
      Await.until("the node drops the slow reader", Duration.ofSeconds(30),
          () -> node.connections() <= before);
    }
  }
}
