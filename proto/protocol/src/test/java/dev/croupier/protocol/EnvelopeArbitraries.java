package dev.croupier.protocol;

import com.google.protobuf.ByteString;
import dev.croupier.proto.v1.Cancel;
import dev.croupier.proto.v1.Complete;
import dev.croupier.proto.v1.CompleteBatch;
import dev.croupier.proto.v1.DispatchBatch;
import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Dispatch;
import dev.croupier.proto.v1.EnqueueBatch;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.Error;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.proto.v1.Fail;
import dev.croupier.proto.v1.FunctionRegistration;
import dev.croupier.proto.v1.FunctionSpec;
import dev.croupier.proto.v1.Goodbye;
import dev.croupier.proto.v1.Heartbeat;
import dev.croupier.proto.v1.Hello;
import dev.croupier.proto.v1.KeyedLimit;
import dev.croupier.proto.v1.LeaseRef;
import dev.croupier.proto.v1.Lookup;
import dev.croupier.proto.v1.Ping;
import dev.croupier.proto.v1.Pong;
import dev.croupier.proto.v1.RegisterFunctions;
import dev.croupier.proto.v1.Retry;
import dev.croupier.proto.v1.RetryPolicy;
import dev.croupier.proto.v1.Role;
import dev.croupier.proto.v1.Success;
import dev.croupier.proto.v1.UnregisterFunctions;
import dev.croupier.proto.v1.Watch;
import dev.croupier.proto.v1.Welcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of every message a client can send (and a few it should not), with field
 * values mixing the plausible (valid names, small numbers) and the hostile (unsigned extremes,
 * odd strings, lists over the limits). Shared with the node's fuzz test through the test-jar.
 * Correlation ids are left 0: the test numbers its requests.
 */
public final class EnvelopeArbitraries {

  private EnvelopeArbitraries() {}

  /** Any message body in an Envelope (correlation id 0). */
  public static Arbitrary<Envelope> envelopes() {
    return Arbitraries.oneOf(List.of(
        hello(), ping(), pong(), goodbye(), error(), register(), unregister(), credits(),
        heartbeat(), complete(), completeBatch(), enqueue(), enqueueBatch(), cancel(), lookup(), watch(),
        Arbitraries.just(Envelope.getDefaultInstance()), // no body
        Arbitraries.just(Envelope.newBuilder()
            .setWelcome(Welcome.getDefaultInstance()).build()), // a server's message
        dispatch(), dispatchBatch()));
  }

  /** Names: mostly ones a test node knows, sometimes invalid or hostile. */
  public static Arbitrary<String> names() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of("f", "acme", "t1", "fuzz", "k")),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(64)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(100)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("", " ", "*", "a:b", "../x", "x".repeat(65), "é")));
  }

  /** uint64 values, as Java longs: small ones, and the edges that used to wrap. */
  public static Arbitrary<Long> uint64() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(0, 100_000)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
            253_402_300_799_999L, 253_402_300_800_000L, 3_153_600_000_000L, 3_153_600_000_001L)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
  }

  /** uint32 values, as Java ints. */
  public static Arbitrary<Integer> uint32() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 20)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(-1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1000, 1001)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
  }

  /** Job ids: plausible ones, garbage, and over-long ones. */
  public static Arbitrary<String> jobIds() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.strings().withChars("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
            .ofLength(26).map(s -> "0-" + s)),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(40)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofLength(200)));
  }

  static Arbitrary<Integer> counts(int usual) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(19, Arbitraries.integers().between(0, usual)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(90, 110)));
  }

  static Arbitrary<ByteString> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(ByteString::copyFrom);
  }

  static Arbitrary<Envelope> hello() {
    return Combinators.combine(uint32(), names(), names(), Arbitraries.of(Role.values())
            .filter(r -> r != Role.UNRECOGNIZED))
        .as((v, token, name, role) -> Envelope.newBuilder().setHello(Hello.newBuilder()
            .setProtocolVersion(v).setToken(token).setClientName(name).setRole(role)).build());
  }

  static Arbitrary<Envelope> ping() {
    return bytes().map(b -> Envelope.newBuilder().setPing(Ping.newBuilder().setData(b)).build());
  }

  static Arbitrary<Envelope> pong() {
    return bytes().map(b -> Envelope.newBuilder().setPong(Pong.newBuilder().setData(b)).build());
  }

  static Arbitrary<Envelope> goodbye() {
    return names().map(r -> Envelope.newBuilder().setGoodbye(Goodbye.newBuilder().setReason(r)).build());
  }

  static Arbitrary<Envelope> error() {
    return Combinators.combine(Arbitraries.of(ErrorCode.values()).filter(c -> c != ErrorCode.UNRECOGNIZED),
            names())
        .as((c, m) -> Envelope.newBuilder().setError(Error.newBuilder().setCode(c).setMessage(m)).build());
  }

  static Arbitrary<FunctionSpec> specs() {
    Arbitrary<KeyedLimit> keyed = Combinators.combine(names(), uint32())
        .as((k, l) -> KeyedLimit.newBuilder().setKey(k).setLimit(l).build());
    Arbitrary<RetryPolicy> retry = Combinators.combine(uint32(), uint64(),
            Arbitraries.of(1.0, 2.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY, -1.0), uint64())
        .as((a, b, f, c) -> RetryPolicy.newBuilder().setMaxAttempts(a).setBaseMs(b).setFactor(f)
            .setCapMs(c).build());
    return Combinators.combine(names(), uint32(), uint32(), keyed.list().ofMaxSize(6),
            retry.injectNull(0.5), uint64())
        .as((name, c, t, k, r, lease) -> {
          FunctionSpec.Builder b = FunctionSpec.newBuilder().setName(name).setConcurrencyLimit(c)
              .setPerTenantLimit(t).addAllKeyedLimits(k).setLeaseTimeoutMs(lease);
          if (r != null) {
            b.setRetry(r);
          }
          return b.build();
        });
  }

  static Arbitrary<Envelope> register() {
    Arbitrary<FunctionRegistration> reg = Combinators.combine(specs(), uint32())
        .as((s, n) -> FunctionRegistration.newBuilder().setSpec(s).setMaxInFlight(n).build());
    return counts(3).flatMap(n -> reg.list().ofSize(n)).map(l -> Envelope.newBuilder()
        .setRegisterFunctions(RegisterFunctions.newBuilder().addAllFunctions(l)).build());
  }

  static Arbitrary<Envelope> unregister() {
    return counts(3).flatMap(n -> names().list().ofSize(n)).map(l -> Envelope.newBuilder()
        .setUnregisterFunctions(UnregisterFunctions.newBuilder().addAllFunctions(l)).build());
  }

  static Arbitrary<Envelope> credits() {
    return counts(3).flatMap(n -> Arbitraries.maps(names(), uint32()).ofMaxSize(n))
        .map((Map<String, Integer> m) -> Envelope.newBuilder()
            .setCredits(Credits.newBuilder().putAllGrants(m)).build());
  }

  static Arbitrary<Envelope> heartbeat() {
    Arbitrary<LeaseRef> ref = Combinators.combine(jobIds(), uint32())
        .as((id, a) -> LeaseRef.newBuilder().setJobId(id).setAttempt(a).build());
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(19, Arbitraries.integers().between(0, 4)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(995, 1010)))
        .flatMap(n -> ref.list().ofSize(n))
        .map(l -> Envelope.newBuilder().setHeartbeat(Heartbeat.newBuilder().addAllLeases(l)).build());
  }

  static Arbitrary<Envelope> complete() {
    Arbitrary<Complete.Builder> base = Combinators.combine(jobIds(), uint32(), uint64())
        .as((id, a, cost) -> Complete.newBuilder().setJobId(id).setAttempt(a).setCostMs(cost));
    return Combinators.combine(base, Arbitraries.integers().between(0, 3), names(), uint64(),
            Arbitraries.of(true, false))
        .as((b, outcome, err, after, has) -> {
          switch (outcome) {
            case 0 -> b.setSuccess(Success.getDefaultInstance());
            case 1 -> b.setRetry(Retry.newBuilder().setError(err).setRetryAfterMs(after)
                .setHasRetryAfter(has));
            case 2 -> b.setFail(Fail.newBuilder().setError(err));
            default -> { } // no outcome
          }
          return Envelope.newBuilder().setComplete(b).build();
        });
  }

  /** Mostly a few completions, sometimes none (refused) or just over the limit (refused). */
  static Arbitrary<Envelope> completeBatch() {
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(17, Arbitraries.integers().between(1, 4)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(995, 1010)))
        .flatMap(n -> complete().map(Envelope::getComplete).list().ofSize(n))
        .map(l -> Envelope.newBuilder().setCompleteBatch(CompleteBatch.newBuilder().addAllCompletes(l))
            .build());
  }

  /** A server's message a client might echo back. */
  static Arbitrary<Envelope> dispatchBatch() {
    return dispatch().list().ofMinSize(0).ofMaxSize(3).map(l -> Envelope.newBuilder()
        .setDispatchBatch(DispatchBatch.newBuilder()
            .addAllDispatches(l.stream().map(Envelope::getDispatch).toList())).build());
  }

  static Arbitrary<EnqueueItem> items() {
    Arbitrary<EnqueueItem.Builder> head = Combinators.combine(names(), names(), bytes(),
            Arbitraries.maps(names(), names()).ofMaxSize(3))
        .as((t, f, p, keys) -> EnqueueItem.newBuilder().setTenant(t).setFunction(f).setPayload(p)
            .putAllConcurrencyKeys(keys));
    return Combinators.combine(head, uint64(), uint64(), uint64(),
            names().injectNull(0.6), uint32())
        .as((b, runAt, delay, prio, key, attempts) -> {
          b.setRunAtMs(runAt).setDelayMs(delay).setPriorityMs(prio).setMaxAttempts(attempts);
          if (key != null) {
            b.setIdempotencyKey(key);
          }
          return b.build();
        });
  }

  static Arbitrary<Envelope> enqueue() {
    return items().map(i -> Envelope.newBuilder().setEnqueue(Enqueue.newBuilder().setItem(i)).build());
  }

  static Arbitrary<Envelope> enqueueBatch() {
    return items().list().ofMaxSize(4).map(l -> Envelope.newBuilder()
        .setEnqueueBatch(EnqueueBatch.newBuilder().addAllItems(l)).build());
  }

  static Arbitrary<Envelope> cancel() {
    return jobIds().map(id -> Envelope.newBuilder().setCancel(Cancel.newBuilder().setJobId(id)).build());
  }

  static Arbitrary<Envelope> lookup() {
    return jobIds().map(id -> Envelope.newBuilder().setLookup(Lookup.newBuilder().setJobId(id)).build());
  }

  static Arbitrary<Envelope> watch() {
    return Combinators.combine(jobIds(), uint64()).as((id, t) -> Envelope.newBuilder()
        .setWatch(Watch.newBuilder().setJobId(id).setTimeoutMs(t)).build());
  }

  static Arbitrary<Envelope> dispatch() {
    return Combinators.combine(jobIds(), names(), uint32())
        .as((id, f, a) -> Envelope.newBuilder().setDispatch(Dispatch.newBuilder().setJobId(id)
            .setFunction(f).setAttempt(a)).build());
  }

  /** The frames (length-delimited Envelopes) of {@code envelopes}, back to back. */
  public static byte[] frames(List<Envelope> envelopes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Envelope e : envelopes) {
        e.writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * One to four changes to a byte stream: a flipped byte, a truncation, inserted bytes, or a huge
   * or malformed length prefix in front.
   */
  public static Arbitrary<UnaryOperator<byte[]>> mutations() {
    Arbitrary<UnaryOperator<byte[]>> flip = Combinators.combine(Arbitraries.integers(),
            Arbitraries.bytes())
        .as((at, b) -> in -> {
          if (in.length == 0) {
            return in;
          }
          byte[] out = in.clone();
          out[Math.floorMod(at, in.length)] ^= (byte) (b == 0 ? 1 : b);
          return out;
        });
    Arbitrary<UnaryOperator<byte[]>> cut = Arbitraries.integers().map(at -> in ->
        Arrays.copyOf(in, in.length == 0 ? 0 : Math.floorMod(at, in.length)));
    Arbitrary<UnaryOperator<byte[]>> insert = Combinators.combine(Arbitraries.integers(),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
        .as((at, ins) -> in -> {
          int pos = Math.floorMod(at, in.length + 1);
          byte[] out = new byte[in.length + ins.length];
          System.arraycopy(in, 0, out, 0, pos);
          System.arraycopy(ins, 0, out, pos, ins.length);
          System.arraycopy(in, pos, out, pos + ins.length, in.length - pos);
          return out;
        });
    Arbitrary<UnaryOperator<byte[]>> prefix = Arbitraries.of(
            new byte[] {(byte) 0xFF, (byte) 0xFF, 0x7F},
            new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},
            new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F})
        .map(p -> in -> {
          byte[] out = new byte[p.length + in.length];
          System.arraycopy(p, 0, out, 0, p.length);
          System.arraycopy(in, 0, out, p.length, in.length);
          return out;
        });
    return Arbitraries.oneOf(List.of(flip, cut, insert, prefix)).list().ofMinSize(1).ofMaxSize(4)
        .map(ms -> in -> {
          byte[] out = in;
          for (UnaryOperator<byte[]> m : ms) {
            out = m.apply(out);
          }
          return out;
        });
  }
}
