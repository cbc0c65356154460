package dev.croupier.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the stream into frames of a varint32 length followed by that many bytes, like Netty's
 * {@code ProtobufVarint32FrameDecoder}, but refusing frames over a maximum size before buffering
 * them. After a bad length it discards everything that follows: the connection is beyond repair
 * and the error handler closes it.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

  private final int maxFrameBytes;
  private boolean failed;

  /** Accepts frames of at most {@code maxFrameBytes} bytes (length prefix not counted). */
  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable()) {
      in.markReaderIndex();
      long length = readVarint32(in);
      if (length == INCOMPLETE) {
        in.resetReaderIndex();
        return;
      }
      if (length < 0) {
        fail(in);
        throw new CorruptedFrameException("malformed frame length prefix");
      }
      if (length > maxFrameBytes) {
        fail(in);
        throw new TooLongFrameException(
            "frame of " + length + " bytes is over the maximum of " + maxFrameBytes);
      }
      if (in.readableBytes() < length) {
        in.resetReaderIndex();
        return;
      }
      out.add(in.readRetainedSlice((int) length));
    }
  }

  private void fail(ByteBuf in) {
    failed = true;
    in.skipBytes(in.readableBytes());
  }

  private static final long INCOMPLETE = -2;

  /** The varint32 at the reader index, INCOMPLETE when more bytes are needed, -1 when malformed. */
  private static long readVarint32(ByteBuf in) {
    long result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!in.isReadable()) {
        return INCOMPLETE;
      }
      byte b = in.readByte();
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result > Integer.MAX_VALUE ? -1 : result;
      }
    }
    return -1;
  }
}
