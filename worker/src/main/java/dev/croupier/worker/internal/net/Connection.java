package dev.croupier.worker.internal.net;

import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.Pong;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Limits;
import dev.croupier.protocol.ServerException;
import dev.croupier.protocol.Wire;
import dev.croupier.protocol.WriteQueue;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to an engine node, after the handshake: sends requests and matches
 * replies by correlation id, answers pings, and hands pushed frames (Dispatch, Goodbye) to a
 * listener. When it closes, every request still waiting fails with
 * {@link ServerException#CONNECTION_LOST}. Thread-safe.
 */
public final class Connection {

  /** What a connection tells its owner. Called on the connection's event loop: do not block. */
  public interface Listener {
    /** A frame the node sent on its own (Dispatch, Goodbye, an Error without a request). */
    void onPush(Connection connection, Envelope envelope);

    /** The connection closed (for any reason, including {@link #close()}). */
    void onClosed(Connection connection);
  }

  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final NodeAddress address;
  private final Channel channel;
  private final Listener listener;
  private final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Credits granted and not yet written, per function; see {@link #grant}. */
  private final Map<String, Integer> credits = new ConcurrentHashMap<>();
  private final AtomicBoolean creditsScheduled = new AtomicBoolean();
  /**
   * Frames to write, from any thread: frames queued while a write task is pending ride along with
   * it, one wakeup of the event loop and one flush for however many requests callers sent
   * meanwhile (a producer awaiting a batch sends a Watch per job, a worker a completion per job).
   */
  private final WriteQueue<Outgoing> outgoing;
  private volatile Welcome welcome;

  private Connection(NodeAddress address, Channel channel, Listener listener) {
    this.address = address;
    this.channel = channel;
    this.listener = listener;
    this.outgoing = new WriteQueue<>(channel, new Writes());
  }

  /**
   * Connects, sends Hello and completes with the connection once Welcome arrives; completes
   * exceptionally with {@link ServerException} when the node refuses or the time runs out.
   */
  public static CompletableFuture<Connection> open(EventLoopGroup group, NodeAddress address,
      ConnectionConfig config, Listener listener) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    Connection[] holder = new Connection[1];
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Connection c = new Connection(address, ch, listener);
            holder[0] = c;
            if (config.ssl() != null) {
              SSLEngine engine = config.ssl().newEngine(ch.alloc(), address.host(), address.port());
              SSLParameters params = engine.getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              engine.setSSLParameters(params);
              ch.pipeline().addLast("tls", new SslHandler(engine));
            }
            Wire.addCodec(ch.pipeline(), config.maxFrameBytes());
            ch.pipeline().addLast("flush", new FlushConsolidationHandler(256, true));
            ch.pipeline().addLast("idle", new IdleStateHandler(
                config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            ch.pipeline().addLast("client", c.new Handler());
          }
        });
    ChannelFuture connect = b.connect(address.host(), address.port());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new ServerException(ServerException.CONNECTION_LOST,
            "cannot connect to " + address + ": " + f.cause().getMessage(), f.cause()));
        return;
      }
      Connection c = holder[0];
      c.request(Envelope.newBuilder().setHello(Hello.newBuilder()
              .setProtocolVersion(Wire.PROTOCOL_VERSION)
              .setToken(config.token())
              .setClientName(config.clientName())
              .setRole(config.role())
              // Batches are capped in bytes; a client taking smaller frames gets plain Dispatch.
              .setAcceptsDispatchBatch(config.maxFrameBytes() >= Limits.MAX_DISPATCH_BATCH_BYTES)))
          .orTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((reply, err) -> {
            if (err == null && reply.hasWelcome()) {
              c.welcome = reply.getWelcome();
              c.fitIdleTimeout(config);
              result.complete(c);
            } else {
              c.close();
              result.completeExceptionally(err != null
                  ? handshakeFailure(address, err)
                  : new ServerException("BAD_FRAME", address + " answered Hello with "
                      + reply.getBodyCase()));
            }
          });
    });
    return result;
  }

  /** A node that pings seldom must not look dead: wait at least 3.5 of its ping intervals. */
  private void fitIdleTimeout(ConnectionConfig config) {
    long idleMs = Math.max(config.idleTimeout().toMillis(), welcome.getPingIntervalMs() * 7 / 2);
    channel.eventLoop().execute(() -> {
      if (channel.pipeline().get("idle") != null) {
        channel.pipeline().replace("idle", "idle",
            new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS));
      }
    });
  }

  private static Throwable handshakeFailure(NodeAddress address, Throwable err) {
    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
        ? err.getCause() : err;
    if (cause instanceof ServerException) {
      return cause;
    }
    return new ServerException(ServerException.CONNECTION_LOST,
        "no Welcome from " + address + ": " + cause, cause);
  }

  /**
   * Sends a request (its correlation id is set here) and completes with the reply. A request
   * larger than the node's maximum frame is not sent: it fails at once with
   * {@code FRAME_TOO_LARGE}, and the connection stays usable (the node would close it).
   */
  public CompletableFuture<Envelope> request(Envelope.Builder request) {
    long id = ids.incrementAndGet();
    Envelope frame = request.setCorrelationId(id).build();
    CompletableFuture<Envelope> reply = new CompletableFuture<>();
    ServerException tooLarge = tooLarge(frame);
    if (tooLarge != null) {
      reply.completeExceptionally(tooLarge);
      return reply;
    }
    pending.put(id, reply);
    if (!channel.isActive()) {
      pending.remove(id);
      reply.completeExceptionally(lost());
      return reply;
    }
    outgoing.add(new Outgoing(frame, id));
    return reply;
  }

  /** A frame to write; {@code replyId}: the request whose reply fails if the write does (0: none). */
  private record Outgoing(Envelope frame, long replyId) {}

  /** Writes a queued frame; one that fails to go out fails its request. */
  private final class Writes implements WriteQueue.Writer<Outgoing> {
    @Override
    public int write(Outgoing frame) {
      channel.write(frame.frame()).addListener(f -> {
        if (!f.isSuccess()) {
          failed(frame);
        }
      });
      return 1;
    }

    @Override
    public void dropped(Outgoing frame) {
      failed(frame);
    }
  }

  /** A frame that could not be written: its request (if any) fails as the connection is lost. */
  private void failed(Outgoing frame) {
    if (frame.replyId() != 0) {
      CompletableFuture<Envelope> reply = pending.remove(frame.replyId());
      if (reply != null) {
        reply.completeExceptionally(lost());
      }
    }
  }

  /** Sends a frame that expects no reply; one over the node's maximum frame is dropped (logged). */
  public void send(Envelope envelope) {
    ServerException tooLarge = tooLarge(envelope);
    if (tooLarge != null) {
      log.warn("not sending {} to {}: {}", envelope.getBodyCase(), address, tooLarge.getMessage());
      return;
    }
    outgoing.add(new Outgoing(envelope, 0));
  }

  /**
   * Grants {@code n} more credits for {@code function}. Grants made while an earlier one still
   * waits for the event loop are added up into its frame: one Credits frame (one wakeup, one
   * write) for however many jobs finished meanwhile, and none waits for a timer.
   */
  public void grant(String function, int n) {
    credits.merge(function, n, (a, b) -> (int) Math.min(Integer.MAX_VALUE, (long) a + b));
    if (creditsScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::sendCredits);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        log.debug("not granting credits: {} is closing", address);
      }
    }
  }

  /** Writes what {@link #grant} added up (on the event loop), at most the node's limit a frame. */
  private void sendCredits() {
    creditsScheduled.set(false);
    Credits.Builder frame = Credits.newBuilder();
    for (String function : List.copyOf(credits.keySet())) {
      Integer n = credits.remove(function);
      if (n == null) {
        continue;
      }
      if (frame.getGrantsCount() == Limits.MAX_CREDIT_GRANTS) {
        send(Envelope.newBuilder().setCredits(frame).build());
        frame = Credits.newBuilder();
      }
      frame.putGrants(function, n);
    }
    if (frame.getGrantsCount() > 0) {
      send(Envelope.newBuilder().setCredits(frame).build());
    }
  }

  /** The error for a frame over the node's announced maximum, or null when it fits. */
  private ServerException tooLarge(Envelope frame) {
    Welcome w = welcome;
    long max = w == null ? 0 : Integer.toUnsignedLong(w.getMaxFrameBytes());
    int size = frame.getSerializedSize();
    if (max == 0 || size <= max) {
      return null;
    }
    return new ServerException("FRAME_TOO_LARGE", "the " + describe(frame) + " is " + size
        + " bytes, over the " + max + " bytes " + address + " accepts in a frame"
        + " (Welcome.max_frame_bytes); it was not sent. Enqueue large data by reference"
        + " (store it elsewhere), or send fewer jobs per batch");
  }

  private static String describe(Envelope frame) {
    return frame.getBodyCase().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + " request";
  }

  /** The node's Welcome. */
  public Welcome welcome() {
    return welcome;
  }

  /** The node's address. */
  public NodeAddress address() {
    return address;
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /** Requests still waiting for their reply. */
  public int pendingRequests() {
    return pending.size();
  }

  /** Closes the connection; waiting requests fail. */
  public void close() {
    channel.close();
  }

  /** Completes when the connection has closed. */
  public CompletableFuture<Void> closeFuture() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  private ServerException lost() {
    return new ServerException(ServerException.CONNECTION_LOST,
        "the connection to " + address + " closed before the reply came");
  }

  @Override
  public String toString() {
    return "connection to " + address;
  }

  private final class Handler extends SimpleChannelInboundHandler<Envelope> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope env) {
      if (env.hasPing()) {
        ctx.writeAndFlush(Envelope.newBuilder().setCorrelationId(env.getCorrelationId())
            .setPong(Pong.newBuilder().setData(env.getPing().getData())).build());
        return;
      }
      if (env.hasPong()) {
        return;
      }
      long id = env.getCorrelationId();
      CompletableFuture<Envelope> waiting = id == 0 ? null : pending.remove(id);
      if (waiting == null) {
        if (env.hasError()) {
          log.warn("{} says {}: {}", address, env.getError().getCode(), env.getError().getMessage());
        }
        listener.onPush(Connection.this, env);
      } else if (env.hasError()) {
        waiting.completeExceptionally(new ServerException(env.getError().getCode().name(),
            env.getError().getMessage()));
      } else {
        waiting.complete(env);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
        log.warn("no frame from {} for too long; closing", address);
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ServerException lost = lost();
      pending.values().removeIf(f -> f.completeExceptionally(lost) || true);
      listener.onClosed(Connection.this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("{} failed: {}", address, cause.toString());
      ctx.close();
    }
  }
}
