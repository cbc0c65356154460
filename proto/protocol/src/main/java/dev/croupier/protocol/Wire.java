package dev.croupier.protocol;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Error;
import dev.croupier.proto.v1.ErrorCode;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;

/** The protocol's constants and the codec handlers both ends put in their pipelines. */
public final class Wire {

  /** The protocol version this code speaks. */
  public static final int PROTOCOL_VERSION = 1;
  /** Largest frame accepted unless configured otherwise: a 1 MiB payload fits with room to spare. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 4 << 20;

  /** Pipeline name of the frame decoder. */
  public static final String FRAME_DECODER = "frameDecoder";
  /** Pipeline name of the protobuf decoder. */
  public static final String PROTOBUF_DECODER = "protobufDecoder";
  /** Pipeline name of the length prepender. */
  public static final String FRAME_ENCODER = "frameEncoder";
  /** Pipeline name of the protobuf encoder. */
  public static final String PROTOBUF_ENCODER = "protobufEncoder";

  private Wire() {}

  /** Adds the frame and protobuf codecs (inbound: bytes to {@link Envelope}; outbound: back). */
  public static void addCodec(ChannelPipeline pipeline, int maxFrameBytes) {
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxFrameBytes));
    pipeline.addLast(PROTOBUF_DECODER, new ProtobufDecoder(Envelope.getDefaultInstance()));
    pipeline.addLast(FRAME_ENCODER, new ProtobufVarint32LengthFieldPrepender());
    pipeline.addLast(PROTOBUF_ENCODER, new ProtobufEncoder());
  }

  /** An {@link Error} envelope answering {@code correlationId} (0 for none). */
  public static Envelope error(long correlationId, ErrorCode code, String message) {
    return Envelope.newBuilder()
        .setCorrelationId(correlationId)
        .setError(Error.newBuilder().setCode(code).setMessage(message == null ? "" : message))
        .build();
  }
}
