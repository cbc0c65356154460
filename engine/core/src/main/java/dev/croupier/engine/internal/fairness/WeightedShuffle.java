package dev.croupier.engine.internal.fairness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted random order without replacement (Efraimidis and Spirakis, 2006): each item draws
 * {@code key = u^(1/w)} and items are sorted by key, descending. An item's chance of coming first
 * is proportional to its weight. Keys are compared as {@code ln(u)/w}, which orders the same and
 * does not underflow for small weights.
 */
public final class WeightedShuffle {
  private WeightedShuffle() {}

  /** A weighted item. */
  public record Weighted<T>(T item, double weight) {}

  /** The items with positive weight, in weighted random order. */
  public static <T> List<T> order(List<Weighted<T>> items, RandomGenerator random) {
    record Keyed<T>(T item, double key) {}
    List<Keyed<T>> keyed = new ArrayList<>(items.size());
    for (Weighted<T> w : items) {
      if (w.weight() > 0 && Double.isFinite(w.weight())) {
        double u = random.nextDouble();
        keyed.add(new Keyed<>(w.item(), Math.log(u == 0 ? Double.MIN_VALUE : u) / w.weight()));
      }
    }
    keyed.sort(Comparator.comparingDouble((Keyed<T> k) -> k.key()).reversed());
    List<T> out = new ArrayList<>(keyed.size());
    for (Keyed<T> k : keyed) {
      out.add(k.item());
    }
    return out;
  }
}
