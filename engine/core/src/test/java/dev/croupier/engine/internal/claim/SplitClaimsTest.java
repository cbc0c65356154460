package dev.croupier.engine.internal.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.LeasedJob;
import dev.croupier.engine.internal.script.Replies;
import dev.croupier.engine.internal.script.ReplyCode;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitClaimsTest {

  private static final FunctionSpec F = FunctionSpec.newBuilder("f").build();
  private static final FunctionSpec G = FunctionSpec.newBuilder("g").build();

  private final SplitClaims splits = new SplitClaims();

  @Test
  void claimsGoAsOneCall_untilOneIsCutShortByItsBudget() {
    List<Claimer.Request> asked = List.of(new Claimer.Request(0, F, 100));

    assertThat(splits.split(asked)).isEqualTo(asked);
    splits.remember(asked, List.of(claimed(ReplyCode.OK, true, 100))); // got all it asked: not cut short
    assertThat(splits.split(asked)).isEqualTo(asked);
  }

  @Test
  void aClaimCutShort_goesNextAsTwoHalvesOfTheSameCredits() {
    List<Claimer.Request> asked = List.of(new Claimer.Request(0, F, 101), new Claimer.Request(0, G, 40));
    splits.remember(asked, List.of(claimed(ReplyCode.OK, true, 12), claimed(ReplyCode.OK, false, 3)));

    assertThat(splits.split(asked)).containsExactly(
        new Claimer.Request(0, F, 51), new Claimer.Request(0, F, 50), new Claimer.Request(0, G, 40));
    assertThat(splits.split(List.of(new Claimer.Request(1, F, 101)))) // another shard's ready set
        .containsExactly(new Claimer.Request(1, F, 101));
    assertThat(splits.split(List.of(new Claimer.Request(0, F, 1)))) // one credit cannot be halved
        .containsExactly(new Claimer.Request(0, F, 1));
  }

  @Test
  void theSplitLasts_whileEitherHalfIsCutShort_andEndsWhenNeitherIs() {
    List<Claimer.Request> one = List.of(new Claimer.Request(0, F, 64));
    splits.remember(one, List.of(claimed(ReplyCode.OK, true, 10)));
    List<Claimer.Request> halves = splits.split(one);

    splits.remember(halves, List.of(claimed(ReplyCode.OK, true, 32), claimed(ReplyCode.OK, true, 9)));
    assertThat(splits.split(one)).hasSize(2);

    splits.remember(halves, List.of(claimed(ReplyCode.OK, true, 32), claimed(ReplyCode.OK, false, 5)));
    assertThat(splits.split(one)).isEqualTo(one); // the second half emptied the ready set
  }

  @Test
  void aFunctionAtItsLimit_orAReadySetEmptied_isNotCutShort() {
    List<Claimer.Request> asked = List.of(new Claimer.Request(0, F, 64));

    splits.remember(asked, List.of(claimed(ReplyCode.AT_CAPACITY, true, 0)));
    assertThat(splits.split(asked)).isEqualTo(asked);
    splits.remember(asked, List.of(claimed(ReplyCode.OK, false, 7)));
    assertThat(splits.split(asked)).isEqualTo(asked);
  }

  private static Replies.Claimed claimed(ReplyCode code, boolean more, int jobs) {
    return new Replies.Claimed(code, -1, more, Collections.nCopies(jobs, (LeasedJob) null), new long[jobs]);
  }
}
