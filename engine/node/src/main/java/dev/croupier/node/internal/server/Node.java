package dev.croupier.node.internal.server;

import dev.croupier.protocol.JobMessages;
import dev.croupier.api.CroupierException;
import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.spi.Leases;
import dev.croupier.node.config.ServerOptions;
import dev.croupier.api.LeasedJob;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Goodbye;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Wire;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine node's server: accepts workers and producers on one port (TLS when configured), feeds
 * the engine's claim loops from the workers' credits, and answers producers. Closing it drains:
 * no more dispatches, a Goodbye to everyone, a grace for workers to finish and move, then close.
 * The engine itself stays open; its owner closes it.
 */
public final class Node implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Engine engine;
  private final Leases leases;
  private final ServerOptions options;
  private final String nodeId = UUID.randomUUID().toString().substring(0, 8);
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(
      1, new DefaultThreadFactory("croupier-accept"), NioIoHandler.newFactory());
  private final EventLoopGroup io = new MultiThreadIoEventLoopGroup(
      new DefaultThreadFactory("croupier-io"), NioIoHandler.newFactory());
  private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
  private final WorkerRegistry registry;
  private final WorkerService workers;
  private final ProducerService producers;
  private final AdminService admin;
  private final Failures failures = new Failures(new LogLimiter(), new LogLimiter());
  // One limiter per kind of noise a peer can cause, shared by every connection of this node.
  private final ProtocolErrorHandler errors =
      new ProtocolErrorHandler(new LogLimiter(), new LogLimiter());
  private final LogLimiter rejections = new LogLimiter();
  private final LogLimiter peerErrors = new LogLimiter();
  private final SslContext ssl;
  private final NodeMeters meters;
  private volatile Channel server;
  private volatile boolean closed;

  private Node(Engine engine, Leases leases, ServerOptions options) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.leases = Objects.requireNonNull(leases, "leases");
    this.options = Objects.requireNonNull(options, "options");
    this.registry = new WorkerRegistry(leases::wakeClaimers, this::dispatch);
    this.workers = new WorkerService(engine, leases, registry,
        new FunctionQuota(options.maxFunctionsPerToken()));
    this.producers = new ProducerService(engine, options.maxWatchTimeout(),
        options.maxWatchesPerConnection(), failures);
    this.admin = new AdminService(engine, registry, () -> peers, nodeId);
    this.ssl = options.tls() ? sslContext(options) : null;
    this.meters = new NodeMeters(engine.options().meterRegistry(),
        engine.options().tenantSeriesLimit(), peers, registry);
  }

  /**
   * Binds and starts serving; throws when the port is taken, TLS files are unreadable, or the
   * node would accept unauthenticated connections from beyond loopback.
   */
  public static Node start(Engine engine, Leases leases, ServerOptions options) {
    requireSafeBinding(options);
    Node node = new Node(engine, leases, options);
    try {
      node.bind();
    } catch (RuntimeException e) {
      node.shutdownGroups();
      throw e;
    }
    leases.attach(node.registry);
    node.scheduleRefresh();
    if (options.tokens() == null) {
      log.warn("no tokens file: node {} accepts any connection, from loopback only", node.nodeId);
    }
    log.info("node {} listening on {}{}", node.nodeId, node.address(), node.ssl != null ? " (TLS)" : "");
    return node;
  }

  /** Refuses what {@link #start} would refuse about {@code options}, short of binding. */
  public static void check(ServerOptions options) {
    requireSafeBinding(options);
    if (options.tls()) {
      sslContext(options);
    }
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** This node's id, as Welcome tells clients. */
  public String nodeId() {
    return nodeId;
  }

  /** The engine it serves. */
  public Engine engine() {
    return engine;
  }

  /** Connections that have authenticated and not closed. */
  public int connections() {
    return peers.size();
  }

  private void bind() {
    Welcome welcome = Welcome.newBuilder()
        .setProtocolVersion(Wire.PROTOCOL_VERSION)
        .setNodeId(nodeId)
        .setMaxFrameBytes(options.maxFrameBytes())
        .setPingIntervalMs(options.pingInterval().toMillis())
        .setAcceptsCompleteBatch(true)
        .build();
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, io)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(options.writeBufferLow(), options.writeBufferHigh()))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (closed) {
              ch.close();
              return;
            }
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              p.addLast("tls", ssl.newHandler(ch.alloc()));
            }
            Wire.addCodec(p, options.maxFrameBytes());
            p.addLast("meter", new FrameMeter(meters));
            p.addLast("flush", new FlushConsolidationHandler(256, true));
            p.addLast("backPressure", new BackPressureHandler(options.maxOutboundBytes(),
                options.slowReaderGrace().toMillis()));
            p.addLast("idle", new IdleStateHandler(options.idleTimeout().toMillis(),
                options.pingInterval().toMillis(), 0, TimeUnit.MILLISECONDS));
            p.addLast("auth", new AuthHandler(options.tokens(), welcome,
                options.helloTimeout().toMillis(), rejections));
            p.addLast("keepAlive", new KeepAliveHandler());
            p.addLast("router", new RequestRouter(workers, producers, admin, meters.counting(blocking), failures,
                peerErrors, options.maxRequestsInFlight(), peers::add, Node.this::closed));
            p.addLast("errors", errors);
          }
        });
    try {
      server = b.bind(options.host(), options.port()).sync().channel();
    } catch (Exception e) {
      throw new CroupierException("cannot listen on " + options.host() + ":" + options.port()
          + ": " + e.getMessage() + "; pick another --port", e);
    }
  }

  /**
   * Registers the functions this node's workers serve again, periodically, so that their configs
   * outlive the registered-function lifetime while (and only while) somebody serves them.
   */
  private void scheduleRefresh() {
    long every = engine.options().registrationRefreshInterval().toMillis();
    io.next().scheduleWithFixedDelay(() -> {
      try {
        blocking.execute(this::refreshFunctions);
      } catch (RejectedExecutionException e) {
        // stopping
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private void refreshFunctions() {
    Map<String, FunctionSpec> served = new HashMap<>();
    for (Peer p : peers) {
      served.putAll(p.functions());
    }
    for (FunctionSpec spec : served.values()) {
      try {
        engine.registerFunction(spec);
      } catch (RuntimeException e) {
        // Reconfigured meanwhile (then it no longer expires), or Redis is away: the next round
        // tries again, well within the lifetime.
        log.debug("could not refresh function {}: {}", spec.name(), e.toString());
      }
    }
  }

  private void closed(Peer peer) {
    peers.remove(peer);
    workers.forget(peer);
    peer.watches().forEach(f -> f.cancel(false));
    log.debug("{} disconnected", peer);
  }

  private void dispatch(Peer peer, List<LeasedJob> jobs) {
    List<Dispatch> out = new ArrayList<>(jobs.size());
    for (LeasedJob job : jobs) {
      FunctionSpec spec = peer.functions().get(job.function());
      Duration lease = spec == null ? FunctionSpec.DEFAULT_LEASE_TIMEOUT : spec.leaseTimeout();
      out.add(JobMessages.dispatch(job, lease));
    }
    peer.dispatch(out);
  }

  /** Drains (see the type's documentation) and stops listening; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    leases.detach(registry);
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    Envelope bye = Envelope.newBuilder()
        .setGoodbye(Goodbye.newBuilder().setReason("node " + nodeId + " is stopping")).build();
    for (Peer p : peers) {
      workers.goodbye(p);
      p.send(bye);
    }
    long deadline = System.nanoTime() + options.drainGrace().toNanos();
    while (!peers.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Peer p : peers) {
      p.channel().close();
    }
    blocking.shutdown();
    shutdownGroups();
    log.info("node {} stopped", nodeId);
  }

  private void shutdownGroups() {
    io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static SslContext sslContext(ServerOptions o) {
    try {
      return SslContextBuilder.forServer(o.tlsCert().toFile(), o.tlsKey().toFile()).build();
    } catch (Exception e) {
      throw new CroupierException("cannot load TLS certificate " + o.tlsCert() + " and key "
          + o.tlsKey() + ": " + e.getMessage() + " (expect PEM files, the key in PKCS#8)", e);
    }
  }

  private static void requireSafeBinding(ServerOptions o) {
    if (o.tokens() != null) {
      return;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(o.host())) {
        if (!a.isLoopbackAddress()) {
          throw new CroupierException("refusing to listen on " + o.host() + " without --tokens:"
              + " a node without tokens accepts anyone, so it binds loopback only;"
              + " give --tokens FILE or --host 127.0.0.1");
        }
      }
    } catch (UnknownHostException e) {
      throw new CroupierException("unknown host " + o.host(), e);
    }
  }

  /** For tests: the registry this node feeds the engine with. */
  WorkerRegistry registry() {
    return registry;
  }
}
