package dev.croupier.engine.internal.redis;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.CroupierException;
import dev.croupier.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class RedisVersionTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static String info(String version) {
    return "# Server\r\nredis_version:" + version + "\r\nredis_git_sha1:00000000\r\n";
  }

  @Test
  void olderServers_areRefused_namingBothVersions() {
    for (String old : new String[] {"6.0.16", "5.0.14", "6.1.9"}) {
      assertThatThrownBy(() -> RedisVersion.check(info(old)))
          .isInstanceOf(CroupierException.class)
          .hasMessageContaining("needs Redis 6.2.0 or newer").hasMessageContaining("runs " + old);
    }
  }

  @Test
  void currentServers_andOnesThatDoNotSay_areAccepted() {
    for (String ok : new String[] {"6.2.0", "6.2.6", "7.0.15", "7.4.2", "10.0.0"}) {
      assertThatCode(() -> RedisVersion.check(info(ok))).doesNotThrowAnyException();
    }
    assertThatCode(() -> RedisVersion.check("# Server\r\n")).doesNotThrowAnyException();
    try (RedisClient redis = REDIS.client()) {
      assertThatCode(() -> RedisVersion.require(redis)).as("the embedded server").doesNotThrowAnyException();
    }
  }
}
