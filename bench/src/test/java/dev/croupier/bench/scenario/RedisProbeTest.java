package dev.croupier.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.testing.RedisServerExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The probe against the real Redis: deltas of INFO, divided per job. */
class RedisProbeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void stop_countsTheSpansCommands_andDividesThemPerJob() {
    RedisProbe probe = new RedisProbe(REDIS.url());
    String key = REDIS.newNamespace() + ":probe";
    probe.start();
    try (RedisClient jedis = REDIS.client()) {
      for (int i = 0; i < 100; i++) {
        jedis.incr(key);
      }
      jedis.del(key);
    }

    RedisProbe.Profile profile = probe.stop(10);

    // 100 INCR + 1 DEL, plus the probe's own INFO calls (and anyone else's, on a shared Redis).
    assertThat(profile.redisCommands()).isGreaterThanOrEqualTo(101L);
    assertThat(profile.redisCommandsPerJob()).isEqualTo(profile.redisCommands() / 10.0);
    assertThat(profile.redisCpuMicrosPerJob()).isEqualTo(profile.redisCpuSeconds() * 1e6 / 10);
    assertThat(profile.perCommand()).containsKey("incr");
    @SuppressWarnings("unchecked")
    Map<String, Object> incr = (Map<String, Object>) profile.perCommand().get("incr");
    assertThat((Long) incr.get("calls")).isGreaterThanOrEqualTo(100L);
    assertThat(profile.cells()).hasSize(RedisProbe.COLUMNS.size());
  }

  @Test
  void profile_withoutJobs_hasNoPerJobFigures() {
    RedisProbe.Profile profile = new RedisProbe.Profile(0, 1.5, 300, 2.0, 1.0, Map.of(), Map.of());

    assertThat(profile.redisCpuMicrosPerJob()).isNaN();
    assertThat(profile.redisCommandsPerJob()).isNaN();
    assertThat(profile.cells()).containsExactly("n/a", "n/a", "n/a", "n/a");
    assertThat(profile.toJson()).containsKeys("redisCpuSeconds", "redisCommands")
        .doesNotContainKey("redisCpuMicrosPerJob");
  }
}
