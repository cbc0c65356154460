package dev.croupier.engine.internal;

import dev.croupier.api.CompletionResult;
import dev.croupier.api.Outcome;
import dev.croupier.engine.internal.claim.Demand;
import dev.croupier.engine.internal.claim.Signal;
import dev.croupier.engine.internal.lease.Completer;
import dev.croupier.engine.internal.metrics.EngineMetrics;
import dev.croupier.engine.spi.JobSink;
import dev.croupier.engine.spi.Leases;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/** The {@link Leases} port: sinks join the claim loops' demand; completions go to the completer. */
final class EngineLeases implements Leases {

  private final UnifiedJedis redis;
  private final Completer completer;
  private final Demand demand;
  private final Signal signal;
  private final EngineMetrics metrics;

  EngineLeases(UnifiedJedis redis, Completer completer, Demand demand, Signal signal,
      EngineMetrics metrics) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.completer = Objects.requireNonNull(completer, "completer");
    this.demand = Objects.requireNonNull(demand, "demand");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void attach(JobSink sink) {
    demand.attach(sink);
    signal.signal();
  }

  @Override
  public void detach(JobSink sink) {
    demand.detach(sink);
  }

  @Override
  public void wakeClaimers() {
    signal.signal();
  }

  @Override
  public CompletionResult complete(String jobId, String leaseToken, Outcome outcome) {
    return settled(outcome, completer.complete(jobId, leaseToken, outcome));
  }

  @Override
  public CompletableFuture<CompletionResult> completeAsync(String jobId, String leaseToken, Outcome outcome) {
    return completer.completeAsync(jobId, leaseToken, outcome).thenApply(r -> settled(outcome, r));
  }

  /** What follows a completion Redis answered: it is counted, and freed slots may unblock held queues. */
  private CompletionResult settled(Outcome outcome, CompletionResult r) {
    metrics.completed(outcome, r);
    signal.signal();
    return r;
  }

  @Override
  public List<CompletionResult> completeAll(List<Completion> completions) {
    return settled(completions, completer.completeAll(completions));
  }

  @Override
  public CompletableFuture<List<CompletionResult>> completeAllAsync(List<Completion> completions) {
    return completer.completeAllAsync(completions).thenApply(results -> settled(completions, results));
  }

  private List<CompletionResult> settled(List<Completion> completions, List<CompletionResult> results) {
    for (int i = 0; i < results.size(); i++) {
      metrics.completed(completions.get(i).outcome(), results.get(i));
    }
    signal.signal();
    return results;
  }

  @Override
  public CompletionResult extendLease(String jobId, String leaseToken) {
    return completer.extend(jobId, leaseToken);
  }

  @Override
  public List<CompletionResult> extendLeases(List<Lease> leases) {
    return completer.extendAll(leases);
  }

  @Override
  public boolean redisReachable() {
    try {
      return "PONG".equals(redis.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
