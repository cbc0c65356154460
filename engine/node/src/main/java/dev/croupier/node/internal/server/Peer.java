package dev.croupier.node.internal.server;

import dev.croupier.node.config.Principal;
import dev.croupier.api.FunctionSpec;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.protocol.Wire;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One authenticated connection: who it is, what it serves, what it was sent. Thread-safe. */
final class Peer {

  private final Channel channel;
  private final Principal principal;
  private final String name;
  /** Functions registered on this connection, with the spec the engine holds for each. */
  private final Map<String, FunctionSpec> functions = new ConcurrentHashMap<>();
  /** When each job dispatched here and not yet completed here was sent (epoch ms), for explain. */
  private final Map<String, Long> dispatchedAt = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<?>> watches = ConcurrentHashMap.newKeySet();
  /** Watches reserved or waiting: bounded per connection. */
  private final AtomicInteger watchSlots = new AtomicInteger();
  private volatile boolean draining;
  private final Outbox outbox;

  /** {@code dispatchBatches}: its Hello said it takes DispatchBatch. */
  Peer(Channel channel, Principal principal, String clientName, boolean dispatchBatches) {
    this.channel = channel;
    this.principal = principal;
    this.outbox = new Outbox(channel, dispatchBatches);
    this.name = channel.remoteAddress()
        + (clientName.isEmpty() ? "" : " (" + printable(clientName) + ")");
  }

  /** Longest client name kept for logs. */
  static final int MAX_CLIENT_NAME = 64;

  /**
   * The client's self-chosen name as logs may show it: at most {@link #MAX_CLIENT_NAME}
   * characters, control characters replaced, so a peer cannot forge or flood log lines.
   */
  static String printable(String clientName) {
    String cut = clientName.length() <= MAX_CLIENT_NAME ? clientName
        : clientName.substring(0, MAX_CLIENT_NAME) + "...";
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  Channel channel() {
    return channel;
  }

  Principal principal() {
    return principal;
  }

  /** How logs name it. */
  String name() {
    return name;
  }

  Map<String, FunctionSpec> functions() {
    return functions;
  }

  Map<String, Long> dispatchedAt() {
    return dispatchedAt;
  }

  Set<CompletableFuture<?>> watches() {
    return watches;
  }

  /** Reserves one of its watch slots; false when all {@code max} are taken. */
  boolean reserveWatch(int max) {
    while (true) {
      int n = watchSlots.get();
      if (n >= max) {
        return false;
      }
      if (watchSlots.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Frees a slot {@link #reserveWatch} took. */
  void releaseWatch() {
    watchSlots.decrementAndGet();
  }

  /** Watch slots taken now. */
  int watching() {
    return watchSlots.get();
  }

  /** Whether it said Goodbye (or the node is stopping): no more dispatches. */
  boolean draining() {
    return draining;
  }

  void drain() {
    draining = true;
  }

  /** Whether dispatches may go to it now. */
  boolean canTakeWork() {
    return !draining && channel.isActive() && channel.isWritable();
  }

  /**
   * Writes a frame (from any thread), together with whatever else is queued for this connection
   * (see {@link Outbox}); none once the connection is closing, so that its final Error stays the
   * last frame (a reply finishing meanwhile is dropped).
   */
  void send(Envelope envelope) {
    if (ProtocolErrorHandler.isClosing(channel)) {
      return;
    }
    outbox.send(envelope);
  }

  /** Sends jobs (from any thread) in one frame where the peer takes batches; see {@link Outbox}. */
  void dispatch(List<Dispatch> jobs) {
    if (ProtocolErrorHandler.isClosing(channel)) {
      return;
    }
    outbox.dispatch(jobs);
  }

  /**
   * Answers request {@code correlationId} with an error; the connection stays open. An error
   * with correlation id 0 is by the protocol the last frame before the node closes, so with id 0
   * this sends it and closes.
   */
  void sendError(long correlationId, ErrorCode code, String message) {
    if (correlationId == 0) {
      ProtocolErrorHandler.closeWithError(channel, code, message);
      return;
    }
    send(Wire.error(correlationId, code, message));
  }

  @Override
  public String toString() {
    return name;
  }
}
