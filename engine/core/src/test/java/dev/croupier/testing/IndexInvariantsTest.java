package dev.croupier.testing;

import dev.croupier.engine.runtime.EngineRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.api.EnqueueOptions;
import dev.croupier.engine.internal.keys.KeySchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The checker itself: quiet on a consistent namespace, loud on each kind of corruption. */
class IndexInvariantsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final byte[] PAYLOAD = "x".getBytes(StandardCharsets.UTF_8);

  @Test
  void check_onConsistentNamespace_passes_andOnEachCorruption_reportsIt() {
    String ns = REDIS.newNamespace();
    KeySchema keys = new KeySchema(ns, 1);
    // No sink has credits, so nothing is claimed: the namespace holds exactly what we enqueue.
    try (Engine engine = EngineRuntime.start(EngineOptions.newBuilder().redisUrl(REDIS.url()).namespace(ns).build());
        RedisClient redis = REDIS.client()) {
      engine.configureFunction(FunctionSpec.newBuilder("f").build());
      String a = engine.enqueue("t1", "f", PAYLOAD, EnqueueOptions.DEFAULTS).jobId();
      engine.enqueue("t1", "f", PAYLOAD, EnqueueOptions.newBuilder().delay(Duration.ofMinutes(5)).build());
      engine.enqueue("t2", "f", PAYLOAD, EnqueueOptions.DEFAULTS);
      IndexInvariants.check(redis, ns, 1);

      String qid = keys.queueId("t1", "f", null);
      redis.zadd(keys.timer(0), 1, qid);
      assertViolation(redis, ns, "both ready and in the timer");
      redis.zrem(keys.timer(0), qid);

      redis.zrem(keys.ready(0, "f"), "t1");
      assertViolation(redis, ns, "neither ready nor held");
      redis.zadd(keys.ready(0, "f"), 0, "t1");

      redis.zadd(keys.tenantReady(0, "t1", "f"), 1, "t1:g");
      assertViolation(redis, ns, "tfq:t1:f lists queue t1:g");
      redis.zrem(keys.tenantReady(0, "t1", "f"), "t1:g");

      redis.srem(keys.tenantFunctions(0, "t2"), "f");
      assertViolation(redis, ns, "tfs:t2 does not list it");
      redis.sadd(keys.tenantFunctions(0, "t2"), "f");

      redis.zadd(keys.inflight(0), 1, a);
      assertViolation(redis, ns, "is in [q:" + qid + ", inflight]");
      redis.zrem(keys.inflight(0), a);

      redis.zadd(keys.deadLetters(0, "t1"), 1, "0-NOSUCHJOB");
      assertViolation(redis, ns, "no job hash");
      redis.zrem(keys.deadLetters(0, "t1"), "0-NOSUCHJOB");

      redis.hset(keys.job(0, a), "st", "running");
      assertViolation(redis, ns, "is running but is in [q:");
      redis.hset(keys.job(0, a), "st", "queued");

      redis.hincrBy(keys.queuedCounts(0), "t1:f", 1);
      assertViolation(redis, ns, "counter queued (cnt:q) of t1:f is 3 but 2 job(s) are");
      redis.hincrBy(keys.queuedCounts(0), "t1:f", -1);

      assertThat(IndexInvariants.violations(redis, ns, 1)).isEmpty();
    }
  }

  private static void assertViolation(RedisClient redis, String ns, String text) {
    assertThatThrownBy(() -> IndexInvariants.check(redis, ns, 1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(text);
  }
}
