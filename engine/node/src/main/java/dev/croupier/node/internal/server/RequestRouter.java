package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.protocol.Limits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes an authenticated connection's requests to the worker and producer services, after
 * checking them against the protocol's {@link Limits} (so no frame makes the node do unbounded
 * work). Requests that wait for Redis run on the blocking executor, never on the event loop,
 * except completions and watches: the engine takes those without blocking and answers on its
 * own threads, so they start here, with no hand-off to another thread (one per CompleteBatch, a
 * few per claim round under load; one per awaited job). A watch that must first look the job up
 * to check its tenant does that lookup on the blocking executor. A connection may have a bounded
 * number of requests running, and one more is refused at once with RESOURCE_EXHAUSTED (the
 * connection keeps being read, so its pings, completions and the other connections are served
 * meanwhile). Cheap requests (credits, goodbye) run inline.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

  private final WorkerService workers;
  private final ProducerService producers;
  private final AdminService admin;
  private final Executor blocking;
  private final Failures failures;
  private final LogLimiter peerErrors;
  private final int maxInFlight;
  private final Consumer<Peer> onOpen;
  private final Consumer<Peer> onClose;
  private Peer peer;
  /** Requests running on the blocking executor; touched on the event loop only. */
  private int inFlight;

  RequestRouter(WorkerService workers, ProducerService producers, AdminService admin, Executor blocking,
      Failures failures, LogLimiter peerErrors, int maxInFlight, Consumer<Peer> onOpen,
      Consumer<Peer> onClose) {
    this.workers = workers;
    this.producers = producers;
    this.admin = admin;
    this.blocking = blocking;
    this.failures = failures;
    this.peerErrors = peerErrors;
    this.maxInFlight = maxInFlight;
    this.onOpen = onOpen;
    this.onClose = onClose;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof AuthHandler.Authenticated a) {
      peer = new Peer(ctx.channel(), a.principal(), a.clientName(), a.dispatchBatches());
      onOpen.accept(peer);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (peer != null) {
      onClose.accept(peer);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Envelope env) || peer == null) {
      ReferenceCountUtil.release(msg);
      ProtocolErrorHandler.closeWithError(ctx.channel(), ErrorCode.INTERNAL,
          "unexpected message before authentication");
      return;
    }
    long cid = env.getCorrelationId();
    Peer p = peer;
    if (cid == 0 && isRequest(env.getBodyCase())) {
      // Its reply could not be matched, and an Error with id 0 means "closing": say so and close.
      ProtocolErrorHandler.closeWithError(ctx.channel(), ErrorCode.INVALID_REQUEST,
          "a " + describe(env) + " is a request: it needs a non-zero correlation_id");
      return;
    }
    String overLimit = Limits.violation(env);
    if (overLimit != null) {
      p.sendError(cid, ErrorCode.INVALID_REQUEST, overLimit);
      return;
    }
    switch (env.getBodyCase()) {
      case CREDITS -> workers.credits(p, cid, env.getCredits());
      case GOODBYE -> workers.goodbye(p);
      case UNREGISTER_FUNCTIONS -> workers.unregister(p, cid, env.getUnregisterFunctions());
      case REGISTER_FUNCTIONS -> run(ctx, cid, () -> workers.register(p, cid, env.getRegisterFunctions()));
      case HEARTBEAT -> run(ctx, cid, () -> workers.heartbeat(p, cid, env.getHeartbeat()));
      case COMPLETE -> track(ctx, cid, () -> workers.complete(p, cid, env.getComplete()));
      case COMPLETE_BATCH -> track(ctx, cid, () -> workers.completeBatch(p, cid, env.getCompleteBatch()));
      case ENQUEUE -> track(ctx, cid, () -> producers.enqueue(p, cid, env.getEnqueue()));
      case ENQUEUE_BATCH -> track(ctx, cid, () -> producers.enqueueBatch(p, cid, env.getEnqueueBatch()));
      case CANCEL -> run(ctx, cid, () -> producers.cancel(p, cid, env.getCancel()));
      case LOOKUP -> run(ctx, cid, () -> producers.lookup(p, cid, env.getLookup()));
      case WATCH -> track(ctx, cid, () -> producers.watch(p, cid, env.getWatch(), blocking));
      // admin and operations (AdminService checks each against the token)
      case GET_TENANT_STATS -> run(ctx, cid, () -> admin.tenantStats(p, cid, env.getGetTenantStats()));
      case GET_FUNCTION_STATS -> run(ctx, cid, () -> admin.functionStats(p, cid, env.getGetFunctionStats()));
      case GET_TENANT -> run(ctx, cid, () -> admin.getTenant(p, cid, env.getGetTenant()));
      case SET_TENANT -> run(ctx, cid, () -> admin.setTenant(p, cid, env.getSetTenant()));
      case SET_FUNCTION -> run(ctx, cid, () -> admin.setFunction(p, cid, env.getSetFunction()));
      case LIST_DEAD_LETTERS -> run(ctx, cid, () -> admin.listDeadLetters(p, cid, env.getListDeadLetters()));
      case REPLAY_DEAD_LETTERS -> run(ctx, cid, () -> admin.replayDeadLetters(p, cid, env.getReplayDeadLetters()));
      case PURGE_DEAD_LETTERS -> run(ctx, cid, () -> admin.purgeDeadLetters(p, cid, env.getPurgeDeadLetters()));
      case EXPLAIN -> run(ctx, cid, () -> admin.explain(p, cid, env.getExplain()));
      case HELLO -> p.sendError(cid, ErrorCode.INVALID_REQUEST, "already authenticated");
      case ERROR -> {
        long held = peerErrors.permit();
        if (held >= 0) {
          log.info("{} reports {}: {}{}", p, env.getError().getCode(),
              abbreviate(env.getError().getMessage()), LogLimiter.held(held));
        }
      }
      default -> {
        if (cid != 0) {
          p.sendError(cid, ErrorCode.UNKNOWN_MESSAGE,
              "a node does not take " + describe(env) + " from clients");
        } else {
          // A notification it does not know (perhaps from a newer client): nothing to answer.
          log.debug("{} sent {} without a correlation id; ignored", p, describe(env));
        }
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }

  /** Whether a message of this kind expects a reply, and so must carry a correlation id. */
  static boolean isRequest(Envelope.BodyCase body) {
    return switch (body) {
      case HELLO, REGISTER_FUNCTIONS, UNREGISTER_FUNCTIONS, HEARTBEAT, COMPLETE, COMPLETE_BATCH, ENQUEUE,
          ENQUEUE_BATCH, CANCEL, LOOKUP, WATCH -> true;
      case GET_TENANT_STATS, GET_FUNCTION_STATS, GET_TENANT, SET_TENANT, SET_FUNCTION, LIST_DEAD_LETTERS,
          REPLAY_DEAD_LETTERS, PURGE_DEAD_LETTERS, EXPLAIN -> true;
      default -> false;
    };
  }

  private static String describe(Envelope env) {
    return env.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET
        ? "an envelope without a (known) message"
        : env.getBodyCase().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Runs a blocking request off the event loop, refusing it when too many already run. */
  private void run(ChannelHandlerContext ctx, long cid, Runnable request) {
    if (refused(cid)) {
      return;
    }
    inFlight++;
    try {
      settle(ctx, cid, CompletableFuture.runAsync(request, blocking));
    } catch (RejectedExecutionException e) {
      inFlight--;
      peer.sendError(cid, ErrorCode.SHUTTING_DOWN, "the node is stopping; reconnect to another");
    }
  }

  /**
   * Starts a request that does not block (it hands its work to the engine and answers when the
   * engine is done) here on the event loop: no thread hand-off on the way in. It counts against
   * the same cap as {@link #run} until its stage completes.
   */
  private void track(ChannelHandlerContext ctx, long cid, Supplier<CompletionStage<?>> request) {
    if (refused(cid)) {
      return;
    }
    inFlight++;
    CompletionStage<?> done;
    try {
      done = request.get();
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    settle(ctx, cid, done);
  }

  /** Whether the connection has its most requests running: then this one is refused. */
  private boolean refused(long cid) {
    if (inFlight < maxInFlight) {
      return false;
    }
    log.debug("{}: refusing request {}, {} in flight", peer, cid, inFlight);
    peer.sendError(cid, ErrorCode.RESOURCE_EXHAUSTED, inFlight + " requests of this connection are"
        + " in flight, the most a node processes at once for one connection (maxRequestsInFlight);"
        + " send more once replies arrive, or retry this one shortly");
    return true;
  }

  /** Once a request is done: answers its failure, if it failed unanswered, and frees its place. */
  private void settle(ChannelHandlerContext ctx, long cid, CompletionStage<?> done) {
    Peer p = peer;
    done.whenComplete((ok, err) -> {
      if (err != null) {
        failures.reply(p, cid, err);
      }
      ctx.executor().execute(() -> inFlight--);
    });
  }
}
