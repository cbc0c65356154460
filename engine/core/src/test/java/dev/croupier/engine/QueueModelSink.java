package dev.croupier.engine;

import dev.croupier.api.LeasedJob;
import dev.croupier.engine.spi.JobSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model's sink: has {@code n} credits per function only while a claim round runs (set by
 * {@link #grant}), and collects what it is handed. Used from one thread (the claim runs on the
 * test thread), so it needs no locking.
 */
final class QueueModelSink implements JobSink {

  private final java.util.Map<String, Integer> credits = new java.util.HashMap<>();
  private final List<LeasedJob> delivered = new ArrayList<>();

  /** Gives every function {@code n} credits (0 takes them away). */
  void grant(int n) {
    QueueModel.FUNCTIONS.forEach(f -> credits.put(f.name(), n));
  }

  /** The jobs delivered since the last call. */
  List<LeasedJob> take() {
    List<LeasedJob> out = List.copyOf(delivered);
    delivered.clear();
    return out;
  }

  @Override
  public Set<String> functions() {
    return credits.keySet();
  }

  @Override
  public int reserve(String function, int max) {
    int have = credits.getOrDefault(function, 0);
    int take = Math.min(have, max);
    credits.put(function, have - take);
    return take;
  }

  @Override
  public void release(String function, int count) {
    credits.merge(function, count, Integer::sum);
  }

  @Override
  public void deliver(LeasedJob job) {
    delivered.add(job);
  }
}
