package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.croupier.api.FunctionSpec;
import dev.croupier.proto.v1.Enqueue;
import dev.croupier.proto.v1.EnqueueItem;
import dev.croupier.proto.v1.Envelope;
import dev.croupier.proto.v1.ErrorCode;
import dev.croupier.testing.LoadingRedis;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Redis restarting from its data file (LOADING) reaches producers as UNAVAILABLE, which they
 * may retry, never as INTERNAL; and the node says so in its log once, not once per request.
 */
class RedisLoadingTest {

  @Test
  void enqueue_whileRedisIsLoading_isUnavailable_andLoggedOnce() throws IOException {
    try (LoadingRedis redis = LoadingRedis.start();
        Nodes nodes = new Nodes(redis.url(), "loading");
        LogCapture log = new LogCapture(Failures.class)) {
      Node node = nodes.start();
      nodes.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
      try (RawPeer peer = new RawPeer(node)) {
        assertThat(peer.hello("").hasWelcome()).isTrue();
        redis.restartLoading();
        List<Envelope> replies = new ArrayList<>();
        long cid = 10;
        // One at a time until a few LOADING answers came (the first replies may come from pooled
        // connections the restart broke), or loading ended and an enqueue went through.
        while (replies.stream().filter(RedisLoadingTest::loading).count() < 3
            && replies.stream().allMatch(Envelope::hasError) && replies.size() < 200) {
          peer.send(Envelope.newBuilder().setCorrelationId(cid++).setEnqueue(Enqueue.newBuilder()
              .setItem(EnqueueItem.newBuilder().setTenant("t").setFunction("f"))).build());
          replies.add(peer.read());
        }
        List<Envelope> failed = replies.stream().filter(Envelope::hasError).toList();
        assertThat(failed).allSatisfy(r -> {
          assertThat(r.getError().getCode()).as("%s", r).isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat(r.getError().getMessage()).contains("may be retried");
        });
        assertThat(failed).filteredOn(RedisLoadingTest::loading).hasSizeGreaterThanOrEqualTo(3);
        assertThat(log.atLeast(Level.ERROR)).as("errors logged").isEmpty();
        assertThat(log.atLeast(Level.WARN)).as("warnings logged for %d failed requests",
            failed.size()).hasSizeLessThanOrEqualTo(2);
      }
      redis.awaitLoaded(Duration.ofSeconds(30));
    }
  }

  private static boolean loading(Envelope reply) {
    return reply.getError().getMessage().contains("LOADING");
  }
}
