package dev.croupier.engine.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.engine.internal.keys.KeySchema;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

class ConfigStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  /**
   * A claim loop reads the paused set all the time. A read that began before a pause and ended
   * after it must not leave the old set cached: the pause is seen by the very next read.
   */
  @Test
  void pausingAFunction_isSeenAtOnce_whileOtherThreadsKeepReadingThePausedSet() throws Exception {
    try (RedisClient redis = REDIS.client()) {
      ConfigStore config = new ConfigStore(redis, new KeySchema(REDIS.newNamespace(), 1), Duration.ofMinutes(1));
      AtomicBoolean stop = new AtomicBoolean();
      Thread reader = Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          config.isFunctionPaused("other");
        }
      });
      try {
        for (int i = 0; i < 2000; i++) {
          // Each change drops the cached set, so the reader is reloading it during the next one.
          config.setFunctionPaused("g", true);
          config.setFunctionPaused("f", true);
          assertThat(config.isFunctionPaused("f")).as("right after pause %d", i).isTrue();
          config.setFunctionPaused("g", false);
          config.setFunctionPaused("f", false);
          assertThat(config.isFunctionPaused("f")).as("right after resume %d", i).isFalse();
        }
      } finally {
        stop.set(true);
        reader.join();
      }
    }
  }
}
