package dev.croupier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Ping;
import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  @Test
  void decode_whenFrameSplitAcrossReads_assemblesIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
    ByteBuf frame = Unpooled.buffer().writeByte(3).writeBytes(new byte[] {1, 2, 3});
    assertThat(ch.writeInbound(frame.readRetainedSlice(2))).isFalse();
    assertThat(ch.writeInbound(frame.readRetainedSlice(2))).isTrue();
    frame.release();
    ByteBuf out = ch.readInbound();
    assertThat(out.readableBytes()).isEqualTo(3);
    out.release();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_whenLengthOverMaximum_failsBeforeBuffering_andDiscardsTheRest() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
    ByteBuf big = Unpooled.buffer().writeByte(0xE5).writeByte(0x07); // varint 997
    assertThatThrownBy(() -> ch.writeInbound(big)).isInstanceOf(TooLongFrameException.class)
        .hasMessageContaining("997").hasMessageContaining("100");
    assertThat(ch.writeInbound(Unpooled.buffer().writeByte(1).writeByte(1))).isFalse();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void decode_whenLengthPrefixMalformed_failsAsCorrupted() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100));
    ByteBuf garbage = Unpooled.buffer().writeBytes(new byte[] {-1, -1, -1, -1, -1, -1});
    assertThatThrownBy(() -> ch.writeInbound(garbage)).isInstanceOf(CorruptedFrameException.class);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void codec_roundTripsAnEnvelope() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Wire.addCodec(ch.pipeline(), 1024);
    Envelope sent = Envelope.newBuilder().setCorrelationId(7)
        .setPing(Ping.newBuilder().setData(ByteString.copyFromUtf8("hi"))).build();
    ch.writeOutbound(sent);
    ByteBuf bytes = ch.readOutbound();
    ByteBuf more;
    ByteBuf all = Unpooled.buffer();
    all.writeBytes(bytes);
    bytes.release();
    while ((more = ch.readOutbound()) != null) {
      all.writeBytes(more);
      more.release();
    }
    ch.writeInbound(all);
    Envelope received = ch.readInbound();
    assertThat(received).isEqualTo(sent);
    assertThat(ch.finish()).isFalse();
  }
}
