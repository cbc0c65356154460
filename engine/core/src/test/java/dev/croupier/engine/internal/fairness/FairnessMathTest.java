package dev.croupier.engine.internal.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.croupier.api.RetryPolicy;
import dev.croupier.engine.FairnessMode;
import dev.croupier.engine.TenantSettings;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FairnessMathTest {

  @Test
  void weightedShuffle_putsItemsFirst_inProportionToWeight() {
    SplittableRandom random = new SplittableRandom(42);
    int[] first = new int[3];
    List<WeightedShuffle.Weighted<Integer>> items = List.of(
        new WeightedShuffle.Weighted<>(0, 1), new WeightedShuffle.Weighted<>(1, 2),
        new WeightedShuffle.Weighted<>(2, 5), new WeightedShuffle.Weighted<>(3, 0));
    for (int i = 0; i < 80_000; i++) {
      List<Integer> order = WeightedShuffle.order(items, random);
      assertThat(order).hasSize(3).doesNotContain(3);
      first[order.get(0)]++;
    }
    assertThat(first[0] / 80_000.0).isCloseTo(1 / 8.0, within(0.01));
    assertThat(first[1] / 80_000.0).isCloseTo(2 / 8.0, within(0.01));
    assertThat(first[2] / 80_000.0).isCloseTo(5 / 8.0, within(0.01));
  }

  @Test
  void weigher_favoursUnderServedTenants_andSkipsFullOnes() {
    TenantWeigher w = new TenantWeigher(FairnessMode.WEIGHTED);
    double[] weights = w.weights(List.of(
        new TenantWeigher.Input("hog", TenantSettings.DEFAULT, 0, 900, 0),
        new TenantWeigher.Input("new", TenantSettings.DEFAULT, 0, 0, 0),
        new TenantWeigher.Input("gold", new TenantSettings(4, 0, false), 0, 100, 0),
        new TenantWeigher.Input("full", new TenantSettings(1, 2, false), 0, 0, 2)));
    assertThat(weights[1]).isGreaterThan(weights[0]);
    assertThat(weights[2]).isGreaterThan(weights[1]);
    assertThat(weights[3]).isZero();
  }

  @Test
  void weigher_ageBoost_growsWithoutBound() {
    TenantWeigher w = new TenantWeigher(FairnessMode.WEIGHTED);
    double[] weights = w.weights(List.of(
        new TenantWeigher.Input("old", TenantSettings.DEFAULT, 60_000, 0, 0),
        new TenantWeigher.Input("fresh", TenantSettings.DEFAULT, 0, 0, 0)));
    assertThat(weights[0]).isEqualTo(61 * weights[1]);
  }

  @Test
  void uniformMode_weighsEveryTenantWithCapacityTheSame() {
    TenantWeigher w = new TenantWeigher(FairnessMode.UNIFORM);
    double[] weights = w.weights(List.of(
        new TenantWeigher.Input("a", new TenantSettings(9, 0, false), 5000, 10, 0),
        new TenantWeigher.Input("b", TenantSettings.DEFAULT, 0, 0, 0),
        new TenantWeigher.Input("c", new TenantSettings(1, 1, false), 0, 0, 1)));
    assertThat(weights).containsExactly(1, 1, 0);
  }

  @Test
  void retryDelay_isFullJitter_boundedByTheCap() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), 2, Duration.ofMillis(1000));
    SplittableRandom random = new SplittableRandom(1);
    long max1 = 0;
    long max6 = 0;
    for (int i = 0; i < 5000; i++) {
      max1 = Math.max(max1, p.delayAfter(1, random).toMillis());
      max6 = Math.max(max6, p.delayAfter(6, random).toMillis());
    }
    assertThat(max1).isBetween(90L, 100L);
    assertThat(max6).isBetween(950L, 1000L);
  }
}
