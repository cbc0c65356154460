package dev.croupier.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The admin HTTP endpoint of an engine node: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /health} (200 when Redis answers, 503 when not). Read-only; bind it to a private
 * interface.
 */
public final class AdminServer implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-admin"), NioIoHandler.newFactory());
  private final Channel channel;

  /** Starts serving on {@code host:port} (port 0 = any free port). */
  public AdminServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(healthy, "healthy");
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                new Handler(registry, healthy));
          }
        });
    try {
      channel = b.bind(host, port).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier healthy;

    Handler(PrometheusMeterRegistry registry, BooleanSupplier healthy) {
      this.registry = registry;
      this.healthy = healthy;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri().split("\\?", 2)[0];
      FullHttpResponse res;
      if (!req.method().equals(HttpMethod.GET)) {
        res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
      } else if (path.equals("/metrics")) {
        res = text(HttpResponseStatus.OK, registry.scrape());
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      } else if (path.equals("/health")) {
        boolean ok = healthy.getAsBoolean();
        res = text(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            ok ? "ok\n" : "redis unreachable\n");
      } else {
        res = text(HttpResponseStatus.NOT_FOUND, "try /metrics or /health\n");
      }
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      return res;
    }
  }
}
