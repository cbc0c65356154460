package dev.croupier.node.internal.server;

import dev.croupier.node.config.Tokens;
import dev.croupier.node.config.Principal;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.Ping;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Wire;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each server handler on its own, in an {@link EmbeddedChannel}. */
class HandlersTest {

  static final Welcome WELCOME = Welcome.newBuilder().setProtocolVersion(1).setNodeId("n1").build();
  static final Tokens TOKENS = Tokens.parse("test", List.of(
      "producer-token-a producer tenant-a",
      "worker-token-f worker f"));

  static Envelope hello(int version, String token) {
    return Envelope.newBuilder().setCorrelationId(1).setHello(Hello.newBuilder()
        .setProtocolVersion(version).setToken(token)).build();
  }

  static ProtocolErrorHandler errors() {
    return new ProtocolErrorHandler(new LogLimiter(), new LogLimiter());
  }

  /** Records user events that reach the end of the pipeline. */
  static final class Events extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }

  static Envelope error(EmbeddedChannel ch) {
    Envelope out = ch.readOutbound();
    assertThat(out).isNotNull();
    assertThat(out.hasError()).as("expected an Error, got %s", out).isTrue();
    return out;
  }

  @Nested
  class Auth {

    EmbeddedChannel channel(Tokens tokens, Events events) {
      return new EmbeddedChannel(new AuthHandler(tokens, WELCOME, 1000, new LogLimiter()), events,
          errors());
    }

    @Test
    void hello_withKnownToken_welcomesAndAuthenticates() {
      Events events = new Events();
      EmbeddedChannel ch = channel(TOKENS, events);
      ch.writeInbound(hello(Wire.PROTOCOL_VERSION, "producer-token-a"));
      Envelope out = ch.readOutbound();
      assertThat(out.hasWelcome()).isTrue();
      assertThat(out.getCorrelationId()).isEqualTo(1);
      assertThat(events.events).singleElement().isInstanceOfSatisfying(
          AuthHandler.Authenticated.class,
          a -> assertThat(a.principal().mayProduceFor("tenant-a")).isTrue());
      assertThat(ch.pipeline().get(AuthHandler.class)).isNull();
      assertThat(ch.isActive()).isTrue();
    }

    @Test
    void firstMessage_whenNotHello_isUnauthenticatedAndCloses() {
      EmbeddedChannel ch = channel(TOKENS, new Events());
      ch.writeInbound(Envelope.newBuilder().setCorrelationId(5)
          .setPing(Ping.getDefaultInstance()).build());
      Envelope err = error(ch);
      assertThat(err.getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(err.getCorrelationId()).isEqualTo(5);
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void hello_withWrongVersion_isUnsupportedVersionAndCloses() {
      EmbeddedChannel ch = channel(TOKENS, new Events());
      ch.writeInbound(hello(99, "producer-token-a"));
      assertThat(error(ch).getError().getCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void hello_withUnknownToken_isUnauthenticatedAndCloses() {
      EmbeddedChannel ch = channel(TOKENS, new Events());
      ch.writeInbound(hello(Wire.PROTOCOL_VERSION, "guessed-token"));
      assertThat(error(ch).getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void noHello_withinTimeout_closes() {
      EmbeddedChannel ch = channel(TOKENS, new Events());
      ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      assertThat(error(ch).getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void withoutTokens_acceptsAnyTokenFromLocalPeers() {
      Events events = new Events();
      EmbeddedChannel ch = channel(null, events);
      ch.writeInbound(hello(Wire.PROTOCOL_VERSION, ""));
      assertThat(((Envelope) ch.readOutbound()).hasWelcome()).isTrue();
      assertThat(events.events).singleElement().isInstanceOfSatisfying(
          AuthHandler.Authenticated.class,
          a -> assertThat(a.principal()).isEqualTo(Principal.LOCAL));
    }
  }

  @Nested
  class KeepAlive {

    @Test
    void ping_isAnsweredWithPongCarryingItsData() {
      EmbeddedChannel ch = new EmbeddedChannel(new KeepAliveHandler());
      ch.writeInbound(Envelope.newBuilder().setCorrelationId(9)
          .setPing(Ping.newBuilder().setData(ByteString.copyFromUtf8("x"))).build());
      Envelope pong = ch.readOutbound();
      assertThat(pong.getCorrelationId()).isEqualTo(9);
      assertThat(pong.getPong().getData().toStringUtf8()).isEqualTo("x");
      assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void writerIdle_sendsPing() {
      Events events = new Events();
      EmbeddedChannel ch = new EmbeddedChannel(new KeepAliveHandler(), events);
      ch.pipeline().fireUserEventTriggered(new AuthHandler.Authenticated(Principal.LOCAL, "", false));
      ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
      assertThat(((Envelope) ch.readOutbound()).hasPing()).isTrue();
      assertThat(ch.isActive()).isTrue();
      assertThat(events.events).as("the router still learns who the peer is")
          .singleElement().isInstanceOf(AuthHandler.Authenticated.class);
    }

    @Test
    void writerIdle_beforeHello_sendsNothing() {
      EmbeddedChannel ch = new EmbeddedChannel(new KeepAliveHandler());
      ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
      assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void readerIdle_sendsTimeoutAndCloses() {
      EmbeddedChannel ch = new EmbeddedChannel(new KeepAliveHandler());
      ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
      assertThat(error(ch).getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(ch.isActive()).isFalse();
    }
  }

  @Nested
  class BackPressure {

    EmbeddedChannel channel(long maxOutbound) {
      EmbeddedChannel ch = new EmbeddedChannel(new BackPressureHandler(maxOutbound, 500));
      ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
      return ch;
    }

    @Test
    void unwritable_longerThanGrace_closesAsSlowReader() {
      EmbeddedChannel ch = channel(1 << 20);
      ch.write(Unpooled.wrappedBuffer(new byte[32])); // not flushed: stays in the outbound buffer
      assertThat(ch.isWritable()).isFalse();
      ch.advanceTimeBy(501, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      assertThat(ch.isActive()).isFalse();
      ch.finishAndReleaseAll();
    }

    @Test
    void unwritable_briefly_staysOpen() {
      EmbeddedChannel ch = channel(1 << 20);
      ch.write(Unpooled.wrappedBuffer(new byte[32]));
      assertThat(ch.isWritable()).isFalse();
      ch.flush(); // the peer read it
      assertThat(ch.isWritable()).isTrue();
      ch.advanceTimeBy(501, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      assertThat(ch.isActive()).isTrue();
      ch.finishAndReleaseAll();
    }

    @Test
    void overHardLimit_closesAtOnce_andReleasesTheRefusedWrite() {
      EmbeddedChannel ch = channel(64);
      ch.write(Unpooled.wrappedBuffer(new byte[100]));
      var refused = Unpooled.wrappedBuffer(new byte[10]);
      ch.write(refused);
      assertThat(refused.refCnt()).isZero();
      assertThat(ch.isActive()).isFalse();
      ch.finishAndReleaseAll();
    }
  }

  @Nested
  class Errors {

    @Test
    void tooLongFrame_getsFrameTooLargeAndCloses() {
      EmbeddedChannel ch = new EmbeddedChannel(errors());
      ch.pipeline().fireExceptionCaught(new TooLongFrameException("frame of 9 bytes is over 8"));
      Envelope err = error(ch);
      assertThat(err.getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(err.getError().getMessage()).contains("over 8");
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void undecodableFrame_getsBadFrameAndCloses() {
      EmbeddedChannel ch = new EmbeddedChannel(errors());
      ch.pipeline().fireExceptionCaught(new DecoderException("bad protobuf"));
      assertThat(error(ch).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
      assertThat(ch.isActive()).isFalse();
    }

    @Test
    void unconsumedInbound_isReleased() {
      EmbeddedChannel ch = new EmbeddedChannel(errors());
      var buf = Unpooled.buffer(4).writeInt(1);
      ch.writeInbound(buf);
      assertThat(buf.refCnt()).isZero();
    }
  }
}
