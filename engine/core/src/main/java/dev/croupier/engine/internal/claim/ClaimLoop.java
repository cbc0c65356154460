package dev.croupier.engine.internal.claim;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.RedisUnavailableException;
import dev.croupier.engine.TenantSettings;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.fairness.TenantWeigher;
import dev.croupier.engine.internal.fairness.WeightedShuffle;
import dev.croupier.engine.internal.fairness.WeightedShuffle.Weighted;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Replies.DueQueue;
import dev.croupier.engine.internal.script.Replies.DueTenant;
import dev.croupier.engine.internal.script.Replies.TenantPeek;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim loop (an engine runs a few). Each round: reserve credits, then per shard peek due
 * tenants, order them by weighted shuffle, and give each in turn one claim from one of its due
 * queues, with a batch of about its share of the credits; the claims go out in one pipeline, in
 * that order. Sleeps when there is nothing to do, until
 * signalled or until the next job is due (at most the idle poll).
 */
public final class ClaimLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);
  /** Pause after a productive round (see run()); short enough not to matter for latency. */
  private static final int LINGER_NANOS = 200_000;
  private final Demand demand;
  private final IndexPeeker peeker;
  private final PartitionClaimer claimer;
  private final ConfigStore config;
  private final TenantWeigher weigher;
  private final Signal signal;
  private final KeySchema keys;
  private final EngineOptions options;
  private final ClaimStats stats;
  private volatile boolean running = true;

  /** A loop claiming for {@code demand}. */
  public ClaimLoop(Demand demand, ScriptsAndKeys sk, ConfigStore config, Signal signal, ClaimStats stats) {
    this.demand = demand;
    this.keys = sk.keys();
    this.options = sk.options();
    this.peeker = new IndexPeeker(sk.scripts(), sk.keys(), sk.options());
    this.claimer = new PartitionClaimer(sk.scripts(), sk.keys(), sk.options());
    this.config = config;
    this.weigher = new TenantWeigher(sk.options().fairness());
    this.signal = signal;
    this.stats = stats;
  }

  /** What a loop needs from the engine's Redis side. */
  public record ScriptsAndKeys(dev.croupier.engine.internal.script.ScriptRegistry scripts, KeySchema keys,
      EngineOptions options) {}

  /** Asks the loop to stop after its current round. */
  public void stop() {
    running = false;
    signal.signalAll();
  }

  @Override
  public void run() {
    long failures = 0;
    while (running) {
      long seen = signal.generation();
      try {
        long sleep = round();
        failures = 0;
        if (sleep > 0 && running) {
          signal.awaitChange(seen, sleep);
        } else if (sleep == 0 && LINGER_NANOS > 0) {
          // A productive round just took every free credit: let a few more free up before the
          // next one, so rounds lease batches instead of one job per freed slot.
          Thread.sleep(0, LINGER_NANOS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RedisUnavailableException e) {
        failures++;
        log.warn("claim loop cannot reach Redis (attempt {}); retrying: {}", failures, e.getMessage());
        pause(Math.min(5000, 100L << Math.min(failures, 6)));
      } catch (RuntimeException e) {
        failures++;
        log.error("claim round failed; retrying", e);
        pause(Math.min(5000, 100L << Math.min(failures, 6)));
      }
    }
  }

  /** Runs one round; returns 0 when it claimed something, else how long to sleep (ms). */
  long round() {
    stats.rounds.increment();
    try (Demand.Credits credits = demand.reserve(options.maxBatch() * options.peekTenants())) {
      if (credits.total() == 0) {
        return options.idlePoll().toMillis() * 10; // woken by the signal when credits appear
      }
      long now = options.clock().millis();
      long nextDue = Long.MAX_VALUE;
      int claimed = 0;
      for (int shard : shardOrder()) {
        if (credits.total() == 0) {
          break;
        }
        TenantPeek peek = peeker.tenants(shard, now, peekSize(credits.total()));
        if (peek.nextDue() > 0) {
          nextDue = Math.min(nextDue, peek.nextDue());
        }
        List<Weighted<DueTenant>> order = orderTenants(peek.tenants(), now);
        if (!order.isEmpty()) {
          claimed += claimShard(shard, order, credits, now);
        }
      }
      if (claimed > 0) {
        return 0;
      }
      long untilDue = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, nextDue - now);
      return Math.min(options.idlePoll().toMillis(), untilDue);
    }
  }

  /**
   * How many tenants a round peeks: about twice its credits (at least 8, at most T). Peeking 32
   * tenants to hand out 3 credits cost most of a claim's Redis time; a smaller random sample keeps
   * every tenant's chance of being seen equal, so shares still follow the weights.
   */
  private int peekSize(int credits) {
    return Math.min(options.peekTenants(), Math.max(8, 2 * credits));
  }

  /**
   * Plans the claims of one shard and sends them in one round trip. Each credit of the round goes
   * to a tenant drawn with probability proportional to its weight (with replacement), so the
   * amount each tenant gets follows its weight, not just its place in the order; claims go out in
   * the shuffled order. Queues of tenants with several due queues are peeked first, in one round
   * trip.
   */
  private int claimShard(int shard, List<Weighted<DueTenant>> order, Demand.Credits credits,
      long now) {
    List<String> several = new ArrayList<>();
    for (Weighted<DueTenant> t : order) {
      if (t.item().dueQueues() > 1) {
        several.add(t.item().tenant());
      }
    }
    Map<String, List<DueQueue>> peeked = new HashMap<>();
    List<List<DueQueue>> queues = peeker.queues(shard, several, now);
    for (int i = 0; i < several.size(); i++) {
      peeked.put(several.get(i), queues.get(i));
    }
    List<Candidate> candidates = new ArrayList<>(order.size());
    for (Weighted<DueTenant> w : order) {
      DueTenant t = w.item();
      List<DueQueue> due = t.dueQueues() > 1 ? peeked.get(t.tenant())
          : t.firstQueue().isEmpty() ? List.of() : List.of(new DueQueue(t.firstQueue(), t.score()));
      DueQueue chosen = chooseQueue(due, credits, now);
      if (chosen != null) {
        String function = KeySchema.functionOfQueue(chosen.queueId());
        config.function(function).ifPresent(spec -> candidates.add(new Candidate(t, chosen, spec, w.weight())));
      }
    }
    allocate(candidates, credits);
    List<PartitionClaimer.Prepared> plan = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.want > 0) {
        plan.add(claimer.prepare(shard, c.queue.queueId(), c.spec, config.tenant(c.tenant.tenant()), c.want));
      }
    }
    if (plan.isEmpty()) {
      return 0;
    }
    int claimed = 0;
    for (PartitionClaimer.Result r : claimer.claimAll(plan)) {
      switch (r.status()) {
        case LEASED -> stats.leased.increment();
        case CONFLICT -> stats.conflicts.increment();
        case AT_CAPACITY -> stats.atCapacity.increment();
        case EMPTY -> stats.empty.increment();
      }
      for (LeasedJob job : r.jobs()) {
        credits.deliver(job);
      }
      stats.jobs.add(r.jobs().size());
      claimed += r.jobs().size();
    }
    return claimed;
  }

  /** A tenant that can claim this round, the queue it claims from, and how many jobs it asks. */
  private static final class Candidate {
    final DueTenant tenant;
    final DueQueue queue;
    final FunctionSpec spec;
    final double weight;
    int want;

    Candidate(DueTenant tenant, DueQueue queue, FunctionSpec spec, double weight) {
      this.tenant = tenant;
      this.queue = queue;
      this.spec = spec;
      this.weight = weight;
    }
  }

  /**
   * Deals the round's credits to the candidates: each credit to a candidate drawn with
   * probability proportional to its weight, among those whose function still has credits and
   * whose batch is below {@code maxBatch}.
   */
  private void allocate(List<Candidate> candidates, Demand.Credits credits) {
    Map<String, Integer> left = new HashMap<>();
    for (Candidate c : candidates) {
      left.putIfAbsent(c.spec.name(), credits.available(c.spec.name()));
    }
    int total = 0;
    for (int n : left.values()) {
      total += n;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Candidate> open = new ArrayList<>(candidates);
    while (total > 0 && !open.isEmpty()) {
      double sum = 0;
      for (Candidate c : open) {
        sum += c.weight;
      }
      double x = random.nextDouble() * sum;
      Candidate pick = draw(open, x);
      pick.want++;
      total--;
      String function = pick.spec.name();
      if (left.merge(function, -1, Integer::sum) == 0) {
        open.removeIf(c -> c.spec.name().equals(function));
      } else if (pick.want >= options.maxBatch()) {
        open.remove(pick);
      }
    }
  }

  private static Candidate draw(List<Candidate> open, double x) {
    for (Candidate c : open) {
      x -= c.weight;
      if (x < 0) {
        return c;
      }
    }
    return open.get(open.size() - 1); // rounding at the top end
  }

  /** A tenant's queue to claim from: weighted by age, among those whose function has credits. */
  private DueQueue chooseQueue(List<DueQueue> due, Demand.Credits credits, long now) {
    List<Weighted<DueQueue>> candidates = new ArrayList<>(due.size());
    for (DueQueue q : due) {
      String function = KeySchema.functionOfQueue(q.queueId());
      if (credits.available(function) > 0
          && !config.isFunctionPaused(function)) {
        candidates.add(new Weighted<>(q, 1 + Math.max(0, now - q.score()) / 1000.0));
      }
    }
    if (candidates.size() <= 1) {
      return candidates.isEmpty() ? null : candidates.get(0).item();
    }
    return WeightedShuffle.order(candidates, ThreadLocalRandom.current()).get(0);
  }

  private List<Weighted<DueTenant>> orderTenants(List<DueTenant> due, long now) {
    List<TenantWeigher.Input> inputs = new ArrayList<>(due.size());
    List<DueTenant> kept = new ArrayList<>(due.size());
    for (DueTenant t : due) {
      TenantSettings s = config.tenant(t.tenant());
      if (!s.paused()) {
        inputs.add(new TenantWeigher.Input(t.tenant(), s, waitedMillis(t, now), t.usage(), t.inFlight()));
        kept.add(t);
      }
    }
    double[] w = weigher.weights(inputs);
    // Shuffled by weight, each keeping its weight for the credit allocation.
    List<Weighted<Weighted<DueTenant>>> items = new ArrayList<>(inputs.size());
    for (int i = 0; i < w.length; i++) {
      items.add(new Weighted<>(new Weighted<>(kept.get(i), w[i]), w[i]));
    }
    return WeightedShuffle.order(items, ThreadLocalRandom.current());
  }

  /** How long a tenant has waited unserved: since its earliest due job, or its last lease if later. */
  private static long waitedMillis(DueTenant t, long now) {
    return Math.max(0, now - Math.max(t.score(), t.lastServed()));
  }

  private List<Integer> shardOrder() {
    List<Integer> shards = new ArrayList<>(keys.shards());
    for (int i = 0; i < keys.shards(); i++) {
      shards.add(i);
    }
    if (shards.size() > 1) {
      Collections.shuffle(shards, ThreadLocalRandom.current());
    }
    return shards;
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
