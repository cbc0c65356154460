package dev.croupier.engine.internal.claim;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.RedisUnavailableException;
import dev.croupier.engine.internal.config.ConfigStore;
import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ScriptRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim loop (an engine runs a few). Each round reserves the credits its sinks have, then,
 * shard by shard, asks the scheduler script for that many jobs of each function with credits
 * (one pipelined round trip per shard; two calls for a function whose last claim its time budget
 * cut short, {@link SplitClaims}) and delivers what comes back. The order among tenants and
 * queues lives in Redis, per tenant (see {@code lua/includes/fair.lua}); this loop only says how
 * many jobs of which functions it can take. Sleeps when there is nothing to do, until signalled or
 * until the next delayed job or held queue is due (at most the idle poll).
 */
public final class ClaimLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);
  private final Demand demand;
  private final Claimer claimer;
  private final ConfigStore config;
  private final Signal signal;
  private final KeySchema keys;
  private final EngineOptions options;
  private final ClaimStats stats;
  private final ShardTurns turns;
  private volatile boolean running = true;

  /** A loop claiming for {@code demand}, taking turns on each shard with its engine's other loops. */
  public ClaimLoop(Demand demand, ScriptsAndKeys sk, ConfigStore config, Signal signal, ClaimStats stats,
      ShardTurns turns) {
    this.demand = demand;
    this.keys = sk.keys();
    this.options = sk.options();
    this.claimer = new Claimer(sk.scripts(), sk.keys(), sk.options());
    this.config = config;
    this.signal = signal;
    this.stats = stats;
    this.turns = turns;
  }

  /** What a loop needs from the engine's Redis side. */
  public record ScriptsAndKeys(ScriptRegistry scripts, KeySchema keys, EngineOptions options) {}

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

  /**
   * Runs one round; returns 0 when it claimed something and a claim now could find more, else how
   * long to sleep (ms). A round that emptied every ready set it claimed from sleeps: new work
   * comes with a signal (an enqueue here, a completion, or another engine's announcement on the
   * shard's work channel), and the timer's next entry or the idle poll bounds the sleep.
   */
  long round() {
    stats.rounds.increment();
    try (Demand.Credits credits = demand.reserve(options.maxBatch())) {
      if (credits.total() == 0) {
        return options.idlePoll().toMillis() * 10; // woken by the signal when credits appear
      }
      long now = options.clock().millis();
      long nextTimer = Long.MAX_VALUE;
      int claimed = 0;
      boolean more = false;
      for (int shard : shardOrder()) {
        if (!turns.tryTake(shard)) {
          continue; // another loop claims it now, and runs again if anything changed meanwhile
        }
        try {
          List<Claimer.Request> requests = turns.splits().split(requests(config, shard, credits, credits.functions()));
          if (requests.isEmpty()) {
            break;
          }
          List<Replies.Claimed> results = claimer.claim(requests, now);
          turns.splits().remember(requests, results);
          List<LeasedJob> leased = new ArrayList<>();
          for (Replies.Claimed c : results) {
            stats.count(c, now);
            leased.addAll(c.jobs());
            claimed += c.jobs().size();
            more |= c.more();
            if (c.nextTimer() > 0) {
              nextTimer = Math.min(nextTimer, c.nextTimer());
            }
          }
          // Every function's jobs of this trip together: a sink sending them over a connection
          // can send them in one frame.
          credits.deliverAll(leased);
        } finally {
          turns.release(shard);
        }
      }
      if (claimed > 0 && (more || nextTimer <= now)) {
        return 0;
      }
      long untilDue = nextTimer == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, nextTimer - now);
      return Math.min(options.idlePoll().toMillis(), untilDue);
    }
  }

  /** One claim on {@code shard} per function of {@code functions} that has credits left and is not paused. */
  static List<Claimer.Request> requests(ConfigStore config, int shard, Demand.Credits credits,
      Collection<String> functions) {
    List<Claimer.Request> out = new ArrayList<>();
    for (String function : functions) {
      int available = credits.available(function);
      if (available == 0 || config.isFunctionPaused(function)) {
        continue;
      }
      Optional<FunctionSpec> spec = config.function(function);
      spec.ifPresent(s -> out.add(new Claimer.Request(shard, s, available)));
    }
    return out;
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
