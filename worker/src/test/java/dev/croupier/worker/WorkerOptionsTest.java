package dev.croupier.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

  @Test
  void build_withoutAddress_saysWhatIsMissing() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().build())
        .hasMessageContaining("at least one node address");
  }

  @Test
  void build_withBadAddress_showsIt() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().address("localhost").build())
        .hasMessageContaining("'localhost'");
    assertThatThrownBy(() -> ClientOptions.newBuilder().address("h:99999").build())
        .hasMessageContaining("99999");
  }

  @Test
  void build_withBackoffUpsideDown_showsBoth() {
    assertThatThrownBy(() -> WorkerOptions.newBuilder().address("h:1")
            .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
        .hasMessageContaining("PT1S").hasMessageContaining("PT2S");
  }

  @Test
  void build_withDefaults_usesNamedConstants() {
    WorkerOptions o = WorkerOptions.newBuilder().address("h:1").build();
    assertThat(o.shutdownGrace()).isEqualTo(WorkerOptions.DEFAULT_SHUTDOWN_GRACE);
    assertThat(o.token()).isEmpty();
    assertThat(o.tls()).isFalse();
  }
}
