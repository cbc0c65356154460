package dev.croupier.engine.internal.fairness;

import dev.croupier.engine.FairnessMode;
import dev.croupier.engine.TenantSettings;
import java.util.List;

/**
 * The weight of a due tenant in the claim shuffle (DESIGN.md, claim loop step 3):
 * {@code w = plan_weight * age_boost * fairness * capacity}, where
 * <ul>
 *   <li>{@code age_boost = 1 + waited / 1 s}, where {@code waited} is how long the tenant has gone
 *       unserved: since its earliest due job, or since its last lease when that is later. It grows
 *       without bound while a tenant waits, so none starves; unlike the age of the earliest job
 *       (DESIGN.md's first formula), it stays near 1 for a big backlog that is being served, which
 *       would otherwise outweigh newly arriving tenants more the longer its backlog is;</li>
 *   <li>{@code fairness = 1 / (1 + usage / (plan_weight * mean usage per weight))}, usage being the
 *       tenant's decayed cost served: tenants that recently got less than their share come first;</li>
 *   <li>{@code capacity} = free fraction of the tenant's concurrency limit (0 = skip it).</li>
 * </ul>
 * In {@link FairnessMode#UNIFORM} every tenant with capacity weighs 1.
 */
public final class TenantWeigher {

  private final FairnessMode mode;

  /** A weigher for {@code mode}. */
  public TenantWeigher(FairnessMode mode) {
    this.mode = mode;
  }

  /** What the weigher needs to know of one due tenant. */
  public record Input(String tenant, TenantSettings settings, long waitedMillis, double usage, long inFlight) {}

  /** The weights of {@code inputs}, in the same order. */
  public double[] weights(List<Input> inputs) {
    double usageSum = 0;
    double weightSum = 0;
    for (Input in : inputs) {
      usageSum += in.usage();
      weightSum += in.settings().weight();
    }
    double meanPerWeight = weightSum > 0 ? usageSum / weightSum : 0;
    double[] out = new double[inputs.size()];
    for (int i = 0; i < out.length; i++) {
      Input in = inputs.get(i);
      double capacity = capacity(in.settings(), in.inFlight());
      if (mode == FairnessMode.UNIFORM || capacity == 0) {
        out[i] = capacity == 0 ? 0 : 1;
        continue;
      }
      double plan = in.settings().weight();
      double age = 1 + Math.max(0, in.waitedMillis()) / 1000.0;
      double fairness = meanPerWeight > 0 ? 1 / (1 + in.usage() / (plan * meanPerWeight)) : 1;
      out[i] = plan * age * fairness * capacity;
    }
    return out;
  }

  private static double capacity(TenantSettings s, long inFlight) {
    if (s.concurrencyLimit() <= 0) {
      return 1;
    }
    return Math.max(0, s.concurrencyLimit() - inFlight) / (double) s.concurrencyLimit();
  }
}
