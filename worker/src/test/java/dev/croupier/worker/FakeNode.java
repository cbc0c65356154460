package dev.croupier.worker;

import dev.croupier.proto.v1.CompleteAck;
import dev.croupier.proto.v1.CompleteBatchAck;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.DispatchBatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.FunctionsRegistered;
import dev.croupier.proto.v1.HeartbeatAck;
import dev.croupier.proto.v1.LeaseResult;
import dev.croupier.proto.v1.Welcome;
import dev.croupier.protocol.Wire;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written engine node for worker tests: welcomes anyone, accepts every registration,
 * records every frame it receives, and dispatches only when the test says so.
 */
final class FakeNode implements AutoCloseable {

  final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
  /** Every frame received, in order (unlike {@link #received}, never consumed). */
  final List<Envelope> log = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  volatile boolean ackCompletes = true;
  /** Whether its Welcome says it takes CompleteBatch. */
  volatile boolean takesCompleteBatches;
  /** Completions held unanswered (when {@link #holdAcks}) until {@link #releaseAcks}. */
  volatile boolean holdAcks;
  private final BlockingQueue<Envelope> heldAcks = new LinkedBlockingQueue<>();
  private volatile Channel client;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  FakeNode() throws InterruptedException {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            Wire.addCodec(ch.pipeline(), Wire.DEFAULT_MAX_FRAME_BYTES);
            ch.pipeline().addLast(new Handler());
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  String address() {
    return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  void dispatch(String jobId, String function, int attempt, long leaseTimeoutMs) {
    client.writeAndFlush(Envelope.newBuilder().setDispatch(Dispatch.newBuilder()
        .setJobId(jobId).setTenant("t").setFunction(function).setAttempt(attempt)
        .setMaxAttempts(5).setLeaseTimeoutMs(leaseTimeoutMs)
        .setDeadlineMs(System.currentTimeMillis() + leaseTimeoutMs)).build());
  }

  /** Sends the jobs in one DispatchBatch. */
  void dispatchBatch(String function, String... jobIds) {
    DispatchBatch.Builder batch = DispatchBatch.newBuilder();
    for (String id : jobIds) {
      batch.addDispatches(Dispatch.newBuilder().setJobId(id).setTenant("t").setFunction(function)
          .setAttempt(1).setMaxAttempts(5).setLeaseTimeoutMs(30_000)
          .setDeadlineMs(System.currentTimeMillis() + 30_000));
    }
    client.writeAndFlush(Envelope.newBuilder().setDispatchBatch(batch).build());
  }

  /** Sends the acknowledgements held back so far. */
  void releaseAcks() {
    Envelope e;
    while ((e = heldAcks.poll()) != null) {
      client.writeAndFlush(e);
    }
  }

  /** Sends {@code dispatch} as it is. */
  void dispatch(Dispatch dispatch) {
    client.writeAndFlush(Envelope.newBuilder().setDispatch(dispatch).build());
  }

  void dropConnection() {
    client.close().syncUninterruptibly();
  }

  /** The next received frame of the given kind, skipping others; fails after the timeout. */
  Envelope next(Envelope.BodyCase kind, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Envelope e = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no " + kind + " within " + timeout);
      }
      if (e.getBodyCase() == kind) {
        return e;
      }
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    if (client != null) {
      client.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void ack(ChannelHandlerContext ctx, Envelope ack) {
    if (holdAcks) {
      heldAcks.add(ack);
    } else {
      ctx.writeAndFlush(ack);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<Envelope> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope env) {
      received.add(env);
      log.add(env);
      Envelope.Builder reply = Envelope.newBuilder().setCorrelationId(env.getCorrelationId());
      switch (env.getBodyCase()) {
        case HELLO -> {
          client = ctx.channel();
          connections.incrementAndGet();
          ctx.writeAndFlush(reply.setWelcome(Welcome.newBuilder().setProtocolVersion(1)
              .setNodeId("fake").setAcceptsCompleteBatch(takesCompleteBatches)).build());
        }
        case REGISTER_FUNCTIONS -> {
          FunctionsRegistered.Builder done = FunctionsRegistered.newBuilder();
          env.getRegisterFunctions().getFunctionsList()
              .forEach(f -> done.addFunctions(f.getSpec().getName()));
          ctx.writeAndFlush(reply.setFunctionsRegistered(done).build());
        }
        case HEARTBEAT -> {
          HeartbeatAck.Builder ack = HeartbeatAck.newBuilder();
          env.getHeartbeat().getLeasesList().forEach(l -> ack.addResults(LeaseResult.ACCEPTED));
          ctx.writeAndFlush(reply.setHeartbeatAck(ack).build());
        }
        case COMPLETE -> {
          if (ackCompletes) {
            ack(ctx, reply.setCompleteAck(
                CompleteAck.newBuilder().setResult(LeaseResult.ACCEPTED)).build());
          }
        }
        case COMPLETE_BATCH -> {
          if (ackCompletes) {
            CompleteBatchAck.Builder ack = CompleteBatchAck.newBuilder();
            env.getCompleteBatch().getCompletesList().forEach(c -> ack.addResults(LeaseResult.ACCEPTED));
            ack(ctx, reply.setCompleteBatchAck(ack).build());
          }
        }
        default -> { }
      }
    }
  }
}
