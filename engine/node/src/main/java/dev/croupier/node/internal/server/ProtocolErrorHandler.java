package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.protocol.Wire;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler: turns whatever went wrong on a connection into a typed {@code Error}
 * frame and a clean close, so one broken peer never disturbs the others. Also releases anything
 * no handler consumed. One instance per node, shared by its connections; its log lines are
 * rate-limited, so peers sending garbage from many connections cost a line per window.
 */
@ChannelHandler.Sharable
final class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(ProtocolErrorHandler.class);
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("croupier.closing");
  /** How long a final Error frame may take to leave before the connection is cut regardless. */
  private static final long CLOSE_AFTER_MS = 1_000;

  private final LogLimiter badFrames;
  private final LogLimiter unexpected;

  /** Logs bad frames through {@code badFrames}, unexpected errors through {@code unexpected}. */
  ProtocolErrorHandler(LogLimiter badFrames, LogLimiter unexpected) {
    this.badFrames = badFrames;
    this.unexpected = unexpected;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Channel ch = ctx.channel();
    if (cause instanceof TooLongFrameException) {
      long held = badFrames.permit();
      if (held >= 0) {
        log.warn("closing {}: {}{}", ch.remoteAddress(), cause.getMessage(), LogLimiter.held(held));
      }
      closeWithError(ch, ErrorCode.FRAME_TOO_LARGE, cause.getMessage());
    } else if (cause instanceof CorruptedFrameException || cause instanceof DecoderException) {
      long held = badFrames.permit();
      if (held >= 0) {
        log.warn("closing {}: undecodable frame ({}){}", ch.remoteAddress(), rootMessage(cause),
            LogLimiter.held(held));
      }
      closeWithError(ch, ErrorCode.BAD_FRAME, "undecodable frame: " + rootMessage(cause));
    } else if (cause instanceof IOException) {
      log.debug("connection {} failed: {}", ch.remoteAddress(), cause.toString());
      ch.close();
    } else {
      long held = unexpected.permit();
      if (held >= 0) {
        log.error("closing {} after an unexpected error{}", ch.remoteAddress(),
            LogLimiter.held(held), cause);
      }
      closeWithError(ch, ErrorCode.INTERNAL, "internal error: " + cause);
    }
  }

  /** Whether a final Error was sent on {@code ch}: nothing may follow it. */
  static boolean isClosing(Channel ch) {
    return ch.hasAttr(CLOSING) && ch.attr(CLOSING).get() != null;
  }

  /**
   * Sends a final {@code Error} (correlation id 0) and closes the connection once it is written,
   * or after a short while when the peer does not read. Only the first call per connection acts.
   */
  static void closeWithError(Channel ch, ErrorCode code, String message) {
    closeWithError(ch, 0, code, message);
  }

  /** As {@link #closeWithError(Channel, ErrorCode, String)}, answering request {@code correlationId}. */
  static void closeWithError(Channel ch, long correlationId, ErrorCode code, String message) {
    if (ch.attr(CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    if (!ch.isActive()) {
      ch.close();
      return;
    }
    ch.config().setAutoRead(false);
    ch.writeAndFlush(Wire.error(correlationId, code, message)).addListener(ChannelFutureListener.CLOSE);
    ch.eventLoop().schedule(() -> ch.close(), CLOSE_AFTER_MS, TimeUnit.MILLISECONDS);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
