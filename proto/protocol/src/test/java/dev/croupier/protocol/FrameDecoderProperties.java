package dev.croupier.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.proto.v1.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the inbound codec (the frame decoder and the protobuf decoder, as a node and a client
 * run them) with every message type, split at arbitrary points, and with random and mutated
 * bytes: valid streams decode to exactly what was sent, and anything else fails with a decoder
 * error (which the pipeline turns into BAD_FRAME or FRAME_TOO_LARGE), never another exception,
 * and never leaks a buffer. Bounded to a few seconds: the generators produce edge values
 * themselves, so jqwik's own edge cases are off.
 */
class FrameDecoderProperties {

  private static final int MAX_FRAME = Wire.DEFAULT_MAX_FRAME_BYTES;

  static EmbeddedChannel codec() {
    return new EmbeddedChannel(new FrameDecoder(MAX_FRAME),
        new ProtobufDecoder(Envelope.getDefaultInstance()));
  }

  static byte[] frames(List<Envelope> envelopes) {
    return EnvelopeArbitraries.frames(envelopes);
  }

  /** Feeds {@code bytes} in chunks ending at {@code cuts}; returns what was decoded, or throws. */
  static List<Envelope> feed(EmbeddedChannel ch, byte[] bytes, List<Integer> cuts) {
    List<Integer> ends = new ArrayList<>(cuts.stream().map(c -> Math.floorMod(c, bytes.length + 1))
        .sorted().toList());
    ends.add(bytes.length);
    int from = 0;
    List<Envelope> out = new ArrayList<>();
    for (int end : ends) {
      if (end > from) {
        ByteBuf chunk = Unpooled.copiedBuffer(bytes, from, end - from);
        ch.writeInbound(chunk);
        from = end;
      }
      Envelope e;
      while ((e = ch.readInbound()) != null) {
        out.add(e);
      }
    }
    return out;
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void validFrames_splitAnywhere_decodeToExactlyWhatWasSent(
      @ForAll("envelopeLists") List<Envelope> sent, @ForAll("cuts") List<Integer> cuts) {
    EmbeddedChannel ch = codec();
    byte[] bytes = frames(sent);
    assertThat(feed(ch, bytes, cuts)).isEqualTo(sent);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void mutatedFrames_decodeOrFailWithADecoderError_only(
      @ForAll("envelopeLists") List<Envelope> sent,
      @ForAll("mutations") UnaryOperator<byte[]> mutation, @ForAll("cuts") List<Integer> cuts) {
    assertOnlyDecoderErrors(mutation.apply(frames(sent)), cuts);
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void randomBytes_decodeOrFailWithADecoderError_only(
      @ForAll("randomBytes") byte[] bytes, @ForAll("cuts") List<Integer> cuts) {
    assertOnlyDecoderErrors(bytes, cuts);
  }

  private static void assertOnlyDecoderErrors(byte[] bytes, List<Integer> cuts) {
    EmbeddedChannel ch = codec();
    try {
      feed(ch, bytes, cuts);
    } catch (DecoderException e) {
      // TooLongFrameException and CorruptedFrameException are DecoderExceptions too; so is an
      // undecodable protobuf message. After one, the decoder discards the rest of the stream.
      assertThat(e).isInstanceOfAny(TooLongFrameException.class, CorruptedFrameException.class,
          DecoderException.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Provide
  Arbitrary<List<Envelope>> envelopeLists() {
    return Combinators.combine(EnvelopeArbitraries.envelopes(), EnvelopeArbitraries.uint64())
        .as((e, cid) -> e.toBuilder().setCorrelationId(cid).build())
        .list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
  }

  @Provide
  Arbitrary<UnaryOperator<byte[]>> mutations() {
    return EnvelopeArbitraries.mutations();
  }
}
