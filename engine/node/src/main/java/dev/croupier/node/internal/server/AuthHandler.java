package dev.croupier.node.internal.server;

import dev.croupier.node.config.Tokens;
import dev.croupier.node.config.Principal;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Wire;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake: the first frame must be a {@code Hello} with a supported protocol version and a
 * known token (any token, from loopback only, when the node has no tokens file). On success it
 * answers {@code Welcome}, fires {@link Authenticated} and leaves the pipeline; anything else gets
 * a typed error and a close.
 */
final class AuthHandler extends ChannelInboundHandlerAdapter {

  /**
   * Fired down the pipeline once a connection has authenticated; {@code dispatchBatches}: its
   * Hello said it takes DispatchBatch.
   */
  record Authenticated(Principal principal, String clientName, boolean dispatchBatches) {}

  private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);

  private final Tokens tokens;
  private final Welcome welcome;
  private final long helloTimeoutMs;
  private final LogLimiter rejections;
  private ScheduledFuture<?> timeout;

  /**
   * {@code tokens} null means: accept any token, from loopback peers only. Rejections are logged
   * through {@code rejections}, shared by the node's connections.
   */
  AuthHandler(Tokens tokens, Welcome welcome, long helloTimeoutMs, LogLimiter rejections) {
    this.tokens = tokens;
    this.welcome = welcome;
    this.helloTimeoutMs = helloTimeoutMs;
    this.rejections = rejections;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(() -> ProtocolErrorHandler.closeWithError(ctx.channel(),
        ErrorCode.UNAUTHENTICATED, "no Hello within " + helloTimeoutMs + " ms"),
        helloTimeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Envelope env) || !env.hasHello()) {
      ReferenceCountUtil.release(msg);
      reject(ctx, msg instanceof Envelope e ? e.getCorrelationId() : 0, ErrorCode.UNAUTHENTICATED,
          "the first message must be Hello");
      return;
    }
    Hello hello = env.getHello();
    if (hello.getProtocolVersion() != Wire.PROTOCOL_VERSION) {
      reject(ctx, env.getCorrelationId(), ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.getProtocolVersion()
          + " is not supported; this node speaks version " + Wire.PROTOCOL_VERSION);
      return;
    }
    Optional<Principal> principal = authenticate(ctx.channel().remoteAddress(), hello.getToken());
    if (principal.isEmpty()) {
      reject(ctx, env.getCorrelationId(), ErrorCode.UNAUTHENTICATED, tokens == null
          ? "this node accepts connections from loopback only (it runs without --tokens)"
          : "unknown token");
      return;
    }
    log.debug("{} ({}) authenticated as {}", ctx.channel().remoteAddress(),
        hello.getClientName(), principal.get().name());
    ctx.writeAndFlush(Envelope.newBuilder()
        .setCorrelationId(env.getCorrelationId())
        .setWelcome(welcome)
        .build());
    ctx.pipeline().remove(this);
    ctx.fireUserEventTriggered(new Authenticated(principal.get(), hello.getClientName(),
        hello.getAcceptsDispatchBatch()));
  }

  private Optional<Principal> authenticate(SocketAddress remote, String token) {
    if (tokens != null) {
      return tokens.principal(token);
    }
    boolean loopback = !(remote instanceof InetSocketAddress inet)
        || inet.getAddress() == null
        || inet.getAddress().isLoopbackAddress();
    return loopback ? Optional.of(Principal.LOCAL) : Optional.empty();
  }

  private void reject(ChannelHandlerContext ctx, long cid, ErrorCode code, String message) {
    long held = rejections.permit();
    if (held >= 0) {
      log.info("rejecting {}: {}{}", ctx.channel().remoteAddress(), message, LogLimiter.held(held));
    }
    ProtocolErrorHandler.closeWithError(ctx.channel(), cid, code, message);
  }
}
