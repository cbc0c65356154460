package dev.croupier.engine.internal.claim;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which shards one of an engine's claim loops is claiming from now: at most one loop per shard at
 * a time. Two loops claiming one shard at once split its free credits between them, so each claim
 * leases fewer jobs for the same fixed cost (end to end on 2 cores, a second loop cost about 12%
 * of the jobs per second and 0.5 Redis commands per job). A loop that finds a shard taken skips
 * it: the loop holding it runs again at once if anything changed meanwhile (it claimed something,
 * or a signal moved the generation during its round), so no work waits for the skipping loop.
 * With several shards, the loops claim different shards at once.
 */
public final class ShardTurns {

  private final AtomicIntegerArray taken;
  private final SplitClaims splits = new SplitClaims();

  /** Turns for {@code shards} shards, none taken. */
  public ShardTurns(int shards) {
    this.taken = new AtomicIntegerArray(shards);
  }

  /** Takes the shard's turn; false when another loop holds it. */
  boolean tryTake(int shard) {
    return taken.compareAndSet(shard, 0, 1);
  }

  /** Gives the shard's turn back. */
  void release(int shard) {
    taken.set(shard, 0);
  }

  /** Which of the shards' claims go as two calls: read and written by the loop holding a shard's turn. */
  SplitClaims splits() {
    return splits;
  }
}
