package dev.croupier.engine;

import dev.croupier.testing.RedisServerExtension;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random sequences of operations (enqueue, claim, ack, retry, fail, extend, stale completions,
 * cancel, time passing, scavenger sweeps, dead-letter replay, pause and resume) against
 * {@link QueueModel}: after every step no job is lost or in the wrong state, no lease is completed
 * twice or after it was lost, no concurrency limit is exceeded, no job runs early, out of its
 * queue's order or while paused, and the index agrees with the queues. At the end, everything
 * left runs to completion.
 */
class QueueModelProperties {

  private static RedisServerExtension redis;

  @BeforeContainer
  static void startRedis() {
    redis = RedisServerExtension.standalone();
  }

  @AfterContainer
  static void stopRedis() {
    redis.close();
  }

  @Property(tries = 40)
  void randomOperations_keepEveryJobAccountedFor_andLimitsAndIndexIntact(@ForAll("operations") List<Op> ops) {
    try (QueueModel model = new QueueModel(redis)) {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        try {
          apply(model, op);
          model.verify();
        } catch (AssertionError e) {
          throw new AssertionError("step " + i + " (" + op + ") at t=" + model.now() + ": " + e.getMessage(), e);
        }
      }
      model.drain();
    }
  }

  private static void apply(QueueModel model, Op op) {
    switch (op) {
      case EnqueueBatch b -> model.enqueue(b.jobs());
      case Claim c -> model.claim(c.credits(), c.rounds());
      case Complete c -> model.complete(c);
      case Cancel c -> model.cancel(c.pick());
      case Replay r -> model.replay(r.pick());
      case Advance a -> model.advance(a.ms());
      case Sweep s -> model.sweep();
      case Pause p -> model.pause(p.tenant(), p.pick(), p.paused());
    }
  }

  // ---- operations ----

  sealed interface Op {}

  /** One job to enqueue; indexes pick from the model's tenants, functions and key values. */
  record Enqueue(int tenant, int function, int account, int region, long delayMs, long priorityMs,
      String idempotencyKey, int maxAttempts) {}

  record EnqueueBatch(List<Enqueue> jobs) implements Op {}

  record Claim(int credits, int rounds) implements Op {}

  enum Kind { ACK, RETRY, FAIL, EXTEND }

  /** Completes a current lease, or (stale) any lease ever handed out; retryAfterMs < 0 = backoff. */
  record Complete(Kind kind, int pick, boolean stale, long retryAfterMs) implements Op {}

  record Cancel(int pick) implements Op {}

  record Replay(int pick) implements Op {}

  record Advance(long ms) implements Op {}

  record Sweep() implements Op {}

  /** Pauses (or resumes) tenant {@code pick}, or function {@code pick} when not {@code tenant}. */
  record Pause(boolean tenant, int pick, boolean paused) implements Op {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1000);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(8, enqueue().list().ofMinSize(1).ofMaxSize(4).map(EnqueueBatch::new)),
        Tuple.of(6, Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 3))
            .as(Claim::new)),
        Tuple.of(9, Combinators.combine(Arbitraries.of(Kind.class), pick, Arbitraries.of(false, false, false, true),
            Arbitraries.of(-1L, 0L, 40L, 1500L)).as(Complete::new)),
        Tuple.of(2, pick.map(Cancel::new)),
        Tuple.of(2, pick.map(Replay::new)),
        Tuple.of(3, Arbitraries.of(1L, 20L, 300L, 1100L, 2500L).map(Advance::new)),
        Tuple.of(2, Arbitraries.just(new Sweep())),
        Tuple.of(2, Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 2),
            Arbitraries.of(true, false, false)).as(Pause::new)));
    return op.list().ofSize(50);
  }

  private static Arbitrary<Enqueue> enqueue() {
    return Combinators.combine(
            Arbitraries.integers().between(0, QueueModel.TENANTS.size() - 1),
            Arbitraries.integers().between(0, QueueModel.FUNCTIONS.size() - 1),
            Arbitraries.integers().between(0, QueueModel.ACCOUNTS.size() - 1),
            Arbitraries.integers().between(0, QueueModel.REGIONS.size() - 1),
            Arbitraries.of(0L, 0L, 0L, 30L, 1000L),
            Arbitraries.of(0L, 0L, 100L),
            Arbitraries.of("", "", "", "k1", "k2").map(k -> k.isEmpty() ? null : k),
            Arbitraries.of(0, 0, 1, 2))
        .as(Enqueue::new);
  }
}
