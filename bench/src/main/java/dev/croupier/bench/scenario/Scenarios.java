package dev.croupier.bench.scenario;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Every scenario, by name. */
public final class Scenarios {

  private Scenarios() {}

  /** The scenarios in the order {@code all} runs them. */
  public static List<Scenario> all() {
    return List.of(new NoisyNeighbourScenario(),
        new SharesScenario(SharesScenario.Variant.PLAIN),
        new SharesScenario(SharesScenario.Variant.EQUAL),
        new SharesScenario(SharesScenario.Variant.SPREAD),
        new SharesScenario(SharesScenario.Variant.COST),
        new SharesScenario(SharesScenario.Variant.COST_100),
        new WeightChangeScenario(),
        new ChurnScenario(),
        new ThroughputScenario(),
        new LatencyScenario(),
        new MemoryScenario());
  }

  /** The scenario called {@code name}, or all of them for {@code all}; throws listing the names. */
  public static List<Scenario> resolve(String name) {
    if (name.equals("all")) {
      return all();
    }
    for (Scenario s : all()) {
      if (s.name().equals(name)) {
        return List.of(s);
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + name + "'; known: " + names());
  }

  /** The names, {@code all} last. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (Scenario s : all()) {
      out.add(s.name());
    }
    out.add("all");
    return out;
  }

  /** Picocli's completion candidates. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }
  }
}
