package dev.croupier.node;

import dev.croupier.engine.Engine;
import dev.croupier.node.config.Tokens;
import dev.croupier.node.internal.dashboard.AdminRequest;
import dev.croupier.node.internal.dashboard.AdminResponse;
import dev.croupier.node.internal.dashboard.Dashboard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The admin HTTP endpoint of an engine node: {@code GET /metrics} (Prometheus text format),
 * {@code GET /health} (200 when Redis answers, 503 when not) and, when given the engine, the live
 * dashboard on {@code /dashboard/} with its JSON API on {@code /api/} (see
 * {@code docs/operations.md}). Without tokens the dashboard answers loopback clients only; with
 * them it needs the ADMIN token. Metrics and health need no token: bind it to a private interface.
 */
public final class AdminServer implements AutoCloseable {

  /** Largest request body accepted (the API's bodies are a few numbers). */
  private static final int MAX_REQUEST_BYTES = 16 << 10;
  /** Threads answering requests: the API waits on Redis, which the network thread must not. */
  private static final int WORKER_THREADS = 2;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-admin"), NioIoHandler.newFactory());
  private final EventExecutorGroup workers = new DefaultEventExecutorGroup(
      WORKER_THREADS, new DefaultThreadFactory("croupier-admin-api"));
  private final Channel channel;

  /** Starts serving metrics and health (no dashboard) on {@code host:port} (port 0 = any free port). */
  public AdminServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    this(host, port, registry, healthy, null, null);
  }

  /**
   * Starts serving metrics, health and, when {@code engine} is given, the dashboard over it on
   * {@code host:port} (port 0 = any free port). {@code tokens} null lets loopback clients in
   * without a token; otherwise the dashboard's API needs an ADMIN token from it.
   */
  public AdminServer(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy,
      Engine engine, Tokens tokens) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(healthy, "healthy");
    Dashboard dashboard = engine == null ? null : new Dashboard(engine, tokens);
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES));
            ch.pipeline().addLast(workers, "admin", new Handler(registry, healthy, dashboard));
          }
        });
    try {
      channel = b.bind(host, port).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      workers.shutdownGracefully();
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
    workers.shutdownGracefully();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier healthy;
    private final Dashboard dashboard;

    Handler(PrometheusMeterRegistry registry, BooleanSupplier healthy, Dashboard dashboard) {
      this.registry = registry;
      this.healthy = healthy;
      this.dashboard = dashboard;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      QueryStringDecoder uri = new QueryStringDecoder(req.uri());
      String path = uri.path();
      FullHttpResponse res;
      if (dashboard != null && Dashboard.owns(path)) {
        res = toNetty(dashboard.handle(new AdminRequest(req.method().name(), path,
            uri.parameters(), req.headers()::get, ByteBufUtil.getBytes(req.content()),
            ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress())));
      } else if (!req.method().equals(HttpMethod.GET)) {
        res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
      } else if (path.equals("/metrics")) {
        res = text(HttpResponseStatus.OK, registry.scrape());
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      } else if (path.equals("/health")) {
        boolean ok = healthy.getAsBoolean();
        res = text(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            ok ? "ok\n" : "redis unreachable\n");
      } else {
        res = text(HttpResponseStatus.NOT_FOUND, dashboard == null ? "try /metrics or /health\n"
            : "try /dashboard/, /metrics or /health\n");
      }
      // One request per connection, and said so: a client that kept the connection for the
      // next request would find it closed.
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse toNetty(AdminResponse r) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        res.headers().set(h.getKey(), h.getValue());
      }
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      return res;
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
