package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {

  static EngineOptions.Builder url(String url) {
    return EngineOptions.newBuilder().redisUrl(url);
  }

  @Test
  void redisUrl_withPortOutOfRange_isRefusedAsAnInvalidPort() {
    // It used to be accepted, and reported later as "cannot reach Redis".
    assertThatThrownBy(() -> url("redis://127.0.0.1:99999").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port must be between 1 and 65535: 99999");
  }

  @Test
  void redisUrl_withoutHost_isRefused() {
    assertThatThrownBy(() -> url("redis://:6379").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
  }

  @Test
  void redisUrl_inMessages_hidesThePassword() {
    assertThatThrownBy(() -> url("redis://user:s3cret@127.0.0.1:0").build())
        .hasMessageNotContaining("s3cret").hasMessageContaining("***@127.0.0.1:0");
  }

  @Test
  void redisUrl_valid_isKept() {
    assertThat(url("rediss://user:pw@redis.internal:6380/2").build().redisUrl())
        .isEqualTo("rediss://user:pw@redis.internal:6380/2");
    assertThat(url("redis://localhost").build().redisUrl()).isEqualTo("redis://localhost");
  }

  @Test
  void statusRetention_zeroKeepsNone_negativeIsRefused() {
    assertThat(url("redis://h:1").statusRetention(Duration.ZERO).build().statusRetention()).isZero();
    assertThatThrownBy(() -> url("redis://h:1").statusRetention(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statusRetention must be zero (keep no status records) or positive");
  }

  @Test
  void registrationRefreshInterval_isAQuarterOfTheLifetime_cappedAtAnHour() {
    assertThat(url("redis://h:1").registeredFunctionLifetime(Duration.ofSeconds(8)).build()
        .registrationRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(url("redis://h:1").build().registrationRefreshInterval())
        .isEqualTo(Duration.ofHours(1));
  }
}
