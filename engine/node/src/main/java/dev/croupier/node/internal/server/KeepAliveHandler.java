package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Ping;
import dev.croupier.proto.v1.Pong;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Liveness, behind an {@link io.netty.handler.timeout.IdleStateHandler}: pings a peer that has
 * heard nothing for a while, closes one that has said nothing for too long, and answers pings.
 * It sits behind the handshake: a peer that has not said Hello gets no Pong (its Ping is "not
 * Hello" and closes the connection) and is not pinged, so an unauthenticated peer cannot make the
 * node echo its bytes.
 */
final class KeepAliveHandler extends ChannelDuplexHandler {

  private static final Envelope PING = Envelope.newBuilder().setPing(Ping.getDefaultInstance()).build();

  private boolean authenticated;

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.READER_IDLE) {
        ProtocolErrorHandler.closeWithError(ctx.channel(), ErrorCode.TIMEOUT,
            "no frame from the peer for too long");
      } else if (idle.state() == IdleState.WRITER_IDLE && authenticated
          && !ProtocolErrorHandler.isClosing(ctx.channel())) {
        ctx.writeAndFlush(PING);
      }
      return;
    }
    if (evt instanceof AuthHandler.Authenticated) {
      authenticated = true;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (ProtocolErrorHandler.isClosing(ctx.channel())) {
      // Frames read in the same batch as the one that closed the connection: its final Error
      // must stay the last frame, so nothing more is answered.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Envelope env) {
      if (env.hasPing()) {
        ctx.writeAndFlush(Envelope.newBuilder()
            .setCorrelationId(env.getCorrelationId())
            .setPong(Pong.newBuilder().setData(env.getPing().getData()))
            .build());
        return;
      }
      if (env.hasPong()) {
        return;
      }
    }
    super.channelRead(ctx, msg);
  }
}
