package dev.croupier.engine.internal.claim;

import dev.croupier.api.LeasedJob;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.enqueue.Enqueuer;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Claims made in an idle engine's enqueue round trip. An enqueue of jobs this engine takes at
 * once itself wakes one of its claim loops, which claims them in a round trip of its own: on an
 * idle system that hand-off and round trip are 250-300 us of the 1.2-1.45 ms from enqueue to a
 * job's start over the protocol (stage timings in bench/RESULTS.md, eleventh sitting). When
 * every loop is waiting, the enqueue's flush instead sends the claims in its own pipeline, right
 * after the writes they claim, and delivers what they lease; the loops are woken only when work
 * may be left. Under load the loops are busy
 * and claim as before. A claim here takes the shard's turn as a loop does, so it never runs beside
 * a loop's claim of the same shard, and it reserves credits as a loop does, so it leases no job
 * that no sink can take. The claims are the loops' own ({@code claimJobs}, with the same order and
 * limits).
 */
public final class ClaimOnEnqueue implements Enqueuer.Claims {

  private final Demand demand;
  private final Claimer claimer;
  private final ConfigStore config;
  private final Signal signal;
  private final ClaimStats stats;
  private final ShardTurns turns;
  private final EngineOptions options;
  private final int loops;

  /** Claims beside the engine's claim loops ({@code claimThreads} of them), with their demand, turns and signal. */
  public ClaimOnEnqueue(Demand demand, ClaimLoop.ScriptsAndKeys sk, ConfigStore config, Signal signal,
      ClaimStats stats, ShardTurns turns) {
    this.demand = Objects.requireNonNull(demand, "demand");
    this.claimer = new Claimer(sk.scripts(), sk.keys(), sk.options());
    this.config = Objects.requireNonNull(config, "config");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.turns = Objects.requireNonNull(turns, "turns");
    this.options = sk.options();
    this.loops = options.claimThreads();
  }

  /**
   * Claims for the jobs a flush writes: only when every loop waits and the flush writes to one
   * shard (a loop's round claims shard by shard against one reservation of credits).
   */
  @Override
  public Enqueuer.Ride board(Set<Integer> shards, Set<String> functions) {
    if (shards.size() != 1 || !signal.allWaiting(loops)) {
      return null;
    }
    int shard = shards.iterator().next();
    long seen = signal.generation();
    if (!turns.tryTake(shard)) {
      return null;
    }
    Demand.Credits credits = null;
    Ride ride = null;
    try {
      credits = demand.reserve(options.maxBatch());
      List<Claimer.Request> requests = ClaimLoop.requests(config, shard, credits, functions);
      if (!requests.isEmpty()) {
        ride = new Ride(shard, seen, credits, claimer.prepare(requests, options.clock().millis()));
      }
      return ride;
    } finally {
      if (ride == null) { // nothing to claim, or a failure: the turn and credits go back at once
        if (credits != null) {
          credits.close();
        }
        turns.release(shard);
      }
    }
  }

  @Override
  public void stored() {
    signal.signal();
  }

  /** Claims riding one flush; holds the shard's turn and the credits until their replies are in. */
  private final class Ride implements Enqueuer.Ride {
    private final int shard;
    /** The signal's generation before the turn was taken. */
    private final long seen;
    private final Demand.Credits credits;
    private final Claimer.Batch batch;

    Ride(int shard, long seen, Demand.Credits credits, Claimer.Batch batch) {
      this.shard = shard;
      this.seen = seen;
      this.credits = credits;
      this.batch = batch;
    }

    /**
     * Gives the turn and the unused credits back. A loop signalled meanwhile skipped this shard
     * (its turn was taken), so it is signalled again, as a loop that held the turn would run again.
     */
    private void end() {
      credits.close();
      turns.release(shard);
      if (signal.generation() != seen) {
        signal.signal();
      }
    }

    @Override
    public List<ScriptRegistry.Call> calls() {
      return batch.calls();
    }

    @Override
    public boolean arrived(List<Object> replies) {
      try {
        long now = options.clock().millis();
        List<LeasedJob> leased = new ArrayList<>();
        boolean settled = true;
        for (int i = 0; i < replies.size(); i++) {
          if (replies.get(i) instanceof RuntimeException) {
            settled = false; // refused, so it leased nothing: the loops claim as they would have
            continue;
          }
          Replies.Claimed c = batch.result(i, replies.get(i));
          stats.count(c, now);
          leased.addAll(c.jobs());
          // More due work, or a delayed job the loops' sleep must now wake for: theirs to claim.
          settled &= !c.jobs().isEmpty() && !c.more() && c.nextTimer() <= 0;
        }
        credits.deliverAll(leased);
        return settled;
      } finally {
        end();
      }
    }

    @Override
    public void failed() {
      end();
    }
  }
}
