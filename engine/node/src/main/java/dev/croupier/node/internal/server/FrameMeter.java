package dev.croupier.node.internal.server;

import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts one connection's frames into {@link NodeMeters}: jobs dispatched, in Dispatch and
 * DispatchBatch frames out (remembering each job's tenant and function until its completion),
 * completions, in Complete and CompleteBatch frames in (the run time the worker reports, under the
 * function it was dispatched for), Error frames out by code. It sits next to the codec, so it sees
 * every frame whichever handler wrote it. Its state is the connection's own and touched on its
 * event loop only; a completion sent through another connection (after a reconnect) is not timed
 * here.
 */
final class FrameMeter extends ChannelDuplexHandler {

  private final NodeMeters meters;
  /** Jobs dispatched here and not completed: id to {tenant, function}. */
  private final Map<String, String[]> dispatched = new HashMap<>();

  FrameMeter(NodeMeters meters) {
    this.meters = meters;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof Envelope env) {
      switch (env.getBodyCase()) {
        case DISPATCH -> dispatched(env.getDispatch());
        case DISPATCH_BATCH -> env.getDispatchBatch().getDispatchesList().forEach(this::dispatched);
        case ERROR -> meters.errorSent(env.getError().getCode());
        default -> { }
      }
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof Envelope env) {
      switch (env.getBodyCase()) {
        case COMPLETE -> completed(env.getComplete());
        case COMPLETE_BATCH -> env.getCompleteBatch().getCompletesList().forEach(this::completed);
        default -> { }
      }
    }
    super.channelRead(ctx, msg);
  }

  private void dispatched(Dispatch d) {
    dispatched.put(d.getJobId(), new String[] {d.getTenant(), d.getFunction()});
    meters.dispatched(d.getFunction());
  }

  private void completed(Complete c) {
    String[] job = dispatched.remove(c.getJobId());
    if (job != null) {
      meters.completed(job[0], job[1], outcome(c), Duration.ofMillis(c.getCostMs()));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    dispatched.clear();
    super.channelInactive(ctx);
  }

  private static String outcome(Complete c) {
    return switch (c.getOutcomeCase()) {
      case SUCCESS, RETRY, FAIL -> c.getOutcomeCase().name().toLowerCase(Locale.ROOT);
      default -> "none";
    };
  }
}
