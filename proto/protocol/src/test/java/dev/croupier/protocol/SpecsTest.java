package dev.croupier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpecsTest {

  @Test
  void spec_roundTripsThroughItsWireForm() {
    FunctionSpec spec = FunctionSpec.newBuilder("send-sms")
        .concurrencyLimit(10).perTenantLimit(3).keyedLimit("provider", 5)
        .retry(new RetryPolicy(7, Duration.ofMillis(250), 3.0, Duration.ofSeconds(40)))
        .leaseTimeout(Duration.ofSeconds(2))
        .build();
    assertThat(Specs.fromProto(Specs.toProto(spec))).isEqualTo(spec);
  }

  @Test
  void fromProto_whenFieldsUnset_appliesDefaults() {
    FunctionSpec spec = Specs.fromProto(
        dev.croupier.proto.v1.FunctionSpec.newBuilder().setName("f").build());
    assertThat(spec.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(spec.leaseTimeout()).isEqualTo(FunctionSpec.DEFAULT_LEASE_TIMEOUT);
  }

  @Test
  void fromProto_whenLimitOverflowsInt_namesTheBadValue() {
    var p = dev.croupier.proto.v1.FunctionSpec.newBuilder().setName("f")
        .setLeaseTimeoutMs(10).build();
    assertThatThrownBy(() -> Specs.fromProto(p)).hasMessageContaining("leaseTimeout");
  }
}
