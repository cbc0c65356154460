package dev.croupier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.InvalidRequestException;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * Function configs stored by workers' registrations expire once nobody registers them again, so
 * a worker token cannot leave keys in Redis forever; configured functions never expire.
 */
class FunctionLifetimeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration LIFETIME = Duration.ofSeconds(1);

  private String namespace;
  private Engine engine;
  private UnifiedJedis redis;

  @BeforeEach
  void start() {
    namespace = REDIS.newNamespace();
    engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(namespace).configCacheTtl(Duration.ofMillis(50))
        .registeredFunctionLifetime(LIFETIME).build());
    redis = REDIS.client();
  }

  @AfterEach
  void stop() {
    engine.close();
    redis.close();
  }

  private String key(String function) {
    return namespace + ":{c:0}:cfg:fn:" + function;
  }

  @Test
  void registeredFunction_whenNobodyRegistersItAgain_expires() {
    engine.registerFunction(FunctionSpec.newBuilder("passing").build());
    assertThat(redis.pttl(key("passing"))).isBetween(1L, LIFETIME.toMillis());
    assertThat(redis.smembers(namespace + ":{c:0}:cfg:functions")).doesNotContain("passing");

    Await.until(Duration.ofSeconds(10), "the config expires", () -> !redis.exists(key("passing")));
    Await.until(Duration.ofSeconds(10), "the engine forgets it",
        () -> engine.function("passing").isEmpty());
    assertThatThrownBy(() -> engine.enqueue("t", "passing", new byte[0], EnqueueOptions.DEFAULTS))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown function");

    engine.registerFunction(FunctionSpec.newBuilder("passing").build()); // a worker is back
    assertThat(engine.enqueue("t", "passing", new byte[0], EnqueueOptions.DEFAULTS).jobId()).isNotEmpty();
  }

  @Test
  void registeredFunction_registeredAgain_livesOn() throws InterruptedException {
    FunctionSpec spec = FunctionSpec.newBuilder("kept").build();
    engine.registerFunction(spec);
    for (int i = 0; i < 8; i++) {
      Thread.sleep(LIFETIME.toMillis() / 4);
      engine.registerFunction(spec);
    }
    assertThat(redis.pttl(key("kept"))).isBetween(1L, LIFETIME.toMillis());
  }

  @Test
  void configuredFunction_neverExpires_evenWhenWorkersRegisterIt() {
    FunctionSpec spec = FunctionSpec.newBuilder("decided").build();
    engine.registerFunction(spec);
    engine.configureFunction(spec); // an operator's decision: it stays
    assertThat(redis.pttl(key("decided"))).isEqualTo(-1);
    engine.registerFunction(spec);
    assertThat(redis.pttl(key("decided"))).isEqualTo(-1);
  }

  @Test
  void embeddedFunction_isKeptAliveWhileServed() throws InterruptedException {
    engine.register(FunctionSpec.newBuilder("embedded").build(), 1, job -> {});
    Thread.sleep(LIFETIME.toMillis() * 5 / 2);
    assertThat(redis.exists(key("embedded"))).isTrue();
    engine.unregister("embedded");
    Await.until(Duration.ofSeconds(10), "the config expires once not served",
        () -> !redis.exists(key("embedded")));
  }
}
