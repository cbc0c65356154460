package dev.croupier.bench.contender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobTest {

  @Test
  void encode_decode_roundTrips() {
    Job job = new Job(7, "t007", "q12", 99, 10_000, 123456789L);
    assertThat(Job.decode(job.encode())).isEqualTo(job);
    assertThat(job.queueId()).isEqualTo("t007:q12");
    assertThat(new Job(1, "a", "", 1, 0, 0).queueId()).isEqualTo("a");
  }

  @Test
  void separatorInName_isRejected() {
    assertThatThrownBy(() -> new Job(0, "a|b", "", 0, 0, 0)).hasMessageContaining("a|b");
  }
}
