package dev.croupier.engine.internal.claim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference the scheduler is held against: start-time fair queuing over tenants, charged by
 * cost over weight, one job at a time, ties broken by tenant name (as a Redis sorted set breaks
 * them). A tenant that becomes backlogged starts at the system virtual time (the tag of the job
 * last served), so idling banks no credit. Plain Java, no Redis: the model of what exact shares are.
 */
final class FairQueuingModel {

  private final Map<String, Double> weights = new HashMap<>();
  private final Map<String, Deque<Long>> backlog = new TreeMap<>();
  private final Map<String, Double> tags = new HashMap<>();
  private final Map<String, Double> served = new HashMap<>();
  private double systemTime;

  /** Sets a tenant's weight (1 unless set). */
  void weight(String tenant, double w) {
    weights.put(tenant, w);
  }

  /** A job of {@code cost} arrives for {@code tenant}. */
  void arrive(String tenant, long cost) {
    Deque<Long> q = backlog.computeIfAbsent(tenant, t -> new ArrayDeque<>());
    if (q.isEmpty()) {
      tags.put(tenant, Math.max(tags.getOrDefault(tenant, Double.NEGATIVE_INFINITY), systemTime));
    }
    q.add(cost);
  }

  /** Serves the next job: the backlogged tenant with the lowest tag; null when none is backlogged. */
  String serveOne() {
    String best = null;
    double bestTag = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Deque<Long>> e : backlog.entrySet()) {
      if (!e.getValue().isEmpty() && tags.get(e.getKey()) < bestTag) {
        best = e.getKey();
        bestTag = tags.get(best);
      }
    }
    if (best == null) {
      return null;
    }
    long cost = backlog.get(best).poll();
    systemTime = Math.max(systemTime, bestTag);
    tags.put(best, bestTag + cost / weights.getOrDefault(best, 1.0));
    served.merge(best, (double) cost, Double::sum);
    return best;
  }

  /** Cost served to {@code tenant} so far. */
  double served(String tenant) {
    return served.getOrDefault(tenant, 0.0);
  }

  /** The weight of {@code tenant}. */
  double weightOf(String tenant) {
    return weights.getOrDefault(tenant, 1.0);
  }
}
