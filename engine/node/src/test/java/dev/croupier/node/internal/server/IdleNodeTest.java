package dev.croupier.node.internal.server;

import static dev.croupier.node.internal.server.BoundedRequestsTest.call;
import static dev.croupier.node.internal.server.BoundedRequestsTest.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.proto.v1.Credits;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.testing.RedisServerExtension;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A node with a connected worker and nothing to do must idle: its claim loops poll at the idle
 * poll's pace (every 20 ms), not in a loop. (Returning a round's unused credits used to wake the
 * next round at once: ~14,600 claim scripts a second against an empty Redis.)
 */
class IdleNodeTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void anIdleNodeWithAnIdleWorker_pollsRedisAtTheIdlePace() throws Exception {
    try (Nodes nodes = new Nodes(REDIS); RawPeer worker = new RawPeer(nodes.start())) {
      assertThat(worker.hello("").hasWelcome()).isTrue();
      assertThat(call(worker, register(2, "f")).hasFunctionsRegistered()).isTrue();
      worker.send(Envelope.newBuilder().setCredits(Credits.newBuilder().putGrants("f", 8)).build());
      Thread.sleep(500); // settled: credits granted, nothing queued

      long before = scriptCalls();
      Thread.sleep(2_000);
      long calls = scriptCalls() - before;
      // Two claim loops polling every 20 ms make ~200 calls in 2 s; a spin makes tens of thousands.
      assertThat(calls).as("script calls in 2 s of idling").isLessThan(1_000);
    }
  }

  private static long scriptCalls() {
    try (Jedis redis = new Jedis(URI.create(REDIS.url()))) {
      return redis.info("commandstats").lines()
          .filter(l -> l.startsWith("cmdstat_evalsha:") || l.startsWith("cmdstat_eval:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("^cmdstat_\\w+:calls=(\\d+),.*$", "$1")))
          .sum();
    }
  }
}
