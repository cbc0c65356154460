package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Ping;
import dev.croupier.protocol.EnvelopeArbitraries;
import dev.croupier.protocol.Limits;
import dev.croupier.testing.RedisServerExtension;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes a live node (real Redis) with sessions of generated messages of every type, and with
 * mutated bytes. Whatever arrives, the node answers every request once, with a reply or a typed
 * error, never INTERNAL; an Error with correlation id 0 is always the last frame before it
 * closes; and it keeps serving other connections. Bounded to a few seconds.
 */
class RequestFuzzProperties {

  private static RedisServerExtension redis;
  private static Nodes nodes;
  private static Node node;

  @BeforeContainer
  static void start() {
    redis = RedisServerExtension.standalone();
    nodes = new Nodes(redis.url(), redis.newNamespace());
    node = nodes.start(b -> b.maxWatchTimeout(Duration.ofMillis(50))
        .helloTimeout(Duration.ofSeconds(2)));
    nodes.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
  }

  @AfterContainer
  static void stop() {
    nodes.close();
    redis.close();
  }

  /** A message and whether it goes out with correlation id 0 (else a fresh number). */
  record Sent(Envelope envelope, boolean zeroId) {}

  @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
  void sessions_areAnsweredOnceEach_neverInternal_andErrorZeroIsLast(
      @ForAll("sessions") List<Sent> session) throws IOException {
    List<Envelope> frames = new ArrayList<>();
    Map<Long, Envelope> expected = new HashMap<>();
    Set<Long> allowed = new HashSet<>(); // may be answered (Credits naming unknown functions)
    boolean closeExpected = false;
    try (RawPeer peer = new RawPeer(node)) {
      peer.socket.setSoTimeout(5_000);
      assertThat(peer.hello("").hasWelcome()).isTrue();
      long cid = 2;
      for (Sent s : session) {
        Envelope e = s.envelope().toBuilder().setCorrelationId(s.zeroId() ? 0 : cid++).build();
        try {
          peer.send(e);
        } catch (IOException closedMeanwhile) {
          assertThat(closeExpected).as("the node closed the connection early").isTrue();
          break;
        }
        boolean closes = e.getCorrelationId() == 0
            && (RequestRouter.isRequest(e.getBodyCase()) || Limits.violation(e) != null);
        if (!closeExpected && !closes && e.getCorrelationId() != 0 && expectsReply(e)) {
          expected.put(e.getCorrelationId(), e);
        }
        allowed.add(e.getCorrelationId());
        closeExpected |= closes;
      }
      if (!closeExpected) { // a last Ping, so that the session has at least one reply
        peer.send(Envelope.newBuilder().setCorrelationId(cid).setPing(Ping.getDefaultInstance()).build());
        expected.put(cid, null);
        allowed.add(cid);
      }
      Set<Long> answered = new HashSet<>();
      while (!(answered.containsAll(expected.keySet()) && !closeExpected)) {
        Envelope f = read(peer);
        if (f == null) {
          break; // closed
        }
        frames.add(f);
        long id = f.getCorrelationId();
        if (id != 0) {
          assertThat(answered.add(id)).as("a second reply to %d: %s", id, f).isTrue();
          assertThat(allowed).as("a reply to a message that expects none: %s", f).contains(id);
        } else if (f.hasError()) {
          assertThat(read(peer)).as("the frame after an id-0 %s", f).isNull();
          break;
        }
      }
      assertThat(frames).noneMatch(f -> f.hasError() && f.getError().getCode() == ErrorCode.INTERNAL);
      if (closeExpected) {
        assertThat(frames).as("closes with an id-0 error").anyMatch(f -> f.hasError()
            && f.getCorrelationId() == 0);
      } else {
        assertThat(answered).as("replies to %s", expected.values()).containsAll(expected.keySet());
        assertThat(frames).noneMatch(f -> f.hasError() && f.getCorrelationId() == 0);
      }
    }
    assertNodeServes();
  }

  @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
  void mutatedBytes_closeOrAreAnswered_neverInternal(
      @ForAll("sessions") List<Sent> session,
      @ForAll("mutations") UnaryOperator<byte[]> mutation) throws IOException {
    List<Envelope> envelopes = new ArrayList<>();
    long cid = 2;
    for (Sent s : session) {
      envelopes.add(s.envelope().toBuilder().setCorrelationId(s.zeroId() ? 0 : cid++).build());
    }
    try (RawPeer peer = new RawPeer(node)) {
      peer.socket.setSoTimeout(5_000);
      assertThat(peer.hello("").hasWelcome()).isTrue();
      try {
        peer.sendBytes(mutation.apply(EnvelopeArbitraries.frames(envelopes)));
        peer.socket.shutdownOutput(); // the node sees the end of the stream, then closes
      } catch (IOException e) {
        // Broken pipe or reset: the node closed the connection on a bad frame before it had
        // read the rest of the session, which is one of the two outcomes this property allows.
      }
      List<Envelope> frames = peer.readUntilClosed();
      assertThat(frames).noneMatch(f -> f.hasError() && f.getError().getCode() == ErrorCode.INTERNAL);
      for (int i = 0; i < frames.size() - 1; i++) {
        Envelope f = frames.get(i);
        assertThat(f.hasError() && f.getCorrelationId() == 0)
            .as("an id-0 error that is not the last frame: %s", frames).isFalse();
      }
    }
    assertNodeServes();
  }

  private static Envelope read(RawPeer peer) throws IOException {
    try {
      return peer.read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the node neither answered nor closed within 5 s", e);
    } catch (IOException e) {
      return null; // reset: closed
    }
  }

  /** Whether the node answers {@code e} (with its id): requests, pings, and what it refuses. */
  private static boolean expectsReply(Envelope e) {
    return switch (e.getBodyCase()) {
      case CREDITS -> Limits.violation(e) != null; // otherwise answered only if a function is unknown
      case GOODBYE, ERROR, PONG -> false;
      default -> true; // requests, Ping, and messages a node does not take (UNKNOWN_MESSAGE)
    };
  }

  private static void assertNodeServes() throws IOException {
    try (RawPeer check = new RawPeer(node)) {
      assertThat(check.hello("").hasWelcome()).isTrue();
      check.send(Envelope.newBuilder().setCorrelationId(9)
          .setLookup(Lookup.newBuilder().setJobId("0-00000000000000000000000000")).build());
      assertThat(check.read().getCorrelationId()).isEqualTo(9);
    }
  }

  @Provide
  Arbitrary<List<Sent>> sessions() {
    return Combinators.combine(EnvelopeArbitraries.envelopes(),
            Arbitraries.integers().between(1, 10).map(n -> n == 1))
        .as(Sent::new)
        .list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<UnaryOperator<byte[]>> mutations() {
    return EnvelopeArbitraries.mutations();
  }
}
