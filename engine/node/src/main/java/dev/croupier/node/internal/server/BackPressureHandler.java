package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.ErrorCode;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a connection may owe its peer. Over the channel's high water mark it is unwritable
 * (the worker registry stops dispatching to it); unwritable for longer than the grace, or over the
 * hard byte limit at any time, it is closed as a slow reader. Others never wait for it.
 */
final class BackPressureHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(BackPressureHandler.class);

  private final long maxOutboundBytes;
  private final long graceMs;
  private ScheduledFuture<?> deadline;
  private boolean closed;

  BackPressureHandler(long maxOutboundBytes, long graceMs) {
    this.maxOutboundBytes = maxOutboundBytes;
    this.graceMs = graceMs;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (closed) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new IllegalStateException("connection closed as a slow reader"));
      return;
    }
    ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
    if (buffer != null && buffer.totalPendingWriteBytes() > maxOutboundBytes) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new IllegalStateException("connection closed as a slow reader"));
      slowReader(ctx, "over " + maxOutboundBytes + " bytes waiting to be read");
      return;
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      if (deadline == null) {
        deadline = ctx.executor().schedule(() -> {
          if (!ctx.channel().isWritable()) {
            slowReader(ctx, "unwritable for over " + graceMs + " ms");
          }
        }, graceMs, TimeUnit.MILLISECONDS);
      }
    } else if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private void slowReader(ChannelHandlerContext ctx, String why) {
    if (closed) {
      return;
    }
    closed = true;
    log.warn("closing slow reader {}: {}", ctx.channel().remoteAddress(), why);
    // The Error frame would queue behind what the peer is not reading; cut the connection now.
    ProtocolErrorHandler.closeWithError(ctx.channel(), ErrorCode.SLOW_CONSUMER, why);
    ctx.channel().close();
  }
}
