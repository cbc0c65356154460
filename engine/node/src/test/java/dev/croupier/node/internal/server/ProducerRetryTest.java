package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.testing.LoadingRedis;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.protocol.ServerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * The producer client retries on its own when a connection drops mid-request or the node cannot
 * serve for a while, and its retries neither lose nor duplicate jobs.
 */
class ProducerRetryTest extends OneNodeTest {

  static CroupierClient client(String address) {
    return CroupierClient.connect(ClientOptions.newBuilder().address(address)
        .retryDeadline(Duration.ofSeconds(20)).build());
  }

  /** Jobs queued for {@code tenant}'s queue of function f, as Redis holds them. */
  static long queued(String tenant) {
    try (UnifiedJedis redis = REDIS.client()) {
      return redis.zcard(nodes.namespace() + ":{c:0}:q:" + tenant + ":f");
    }
  }

  @Test
  void enqueue_whenTheConnectionDropsBeforeTheReply_isRetried_withoutDuplicatesOrLosses()
      throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(node.address().getPort());
        CroupierClient client = client(proxy.address())) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        if (i % 4 == 1) {
          proxy.cutNextReply(); // the node stores the job; its reply never arrives
        }
        EnqueueResult r = client.enqueue(JobRequest.newBuilder("cut-single", "f")
            .payload("job " + i).delay(Duration.ofHours(1)).build());
        assertThat(r.duplicate()).isFalse();
        ids.add(r.jobId());
      }
      assertThat(proxy.cuts()).isEqualTo(10);
      assertThat(new HashSet<>(ids)).hasSize(40);
      assertThat(queued("cut-single")).isEqualTo(40);
    }
  }

  @Test
  void enqueueBatch_whenTheConnectionDropsBeforeTheReply_isRetried_withoutDuplicatesOrLosses()
      throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(node.address().getPort());
        CroupierClient client = client(proxy.address())) {
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        batch.add(JobRequest.newBuilder("cut-batch", "f").payload("job " + i)
            .delay(Duration.ofHours(1)).build());
      }
      proxy.cutNextReply();
      List<EnqueueResult> results = client.enqueueBatch(batch);
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(results).hasSize(25).noneMatch(EnqueueResult::duplicate);
      assertThat(results.stream().map(EnqueueResult::jobId).distinct()).hasSize(25);
      assertThat(queued("cut-batch")).isEqualTo(25);
      // The client's own keys outlive its retries (20 s here) by a minute, not the engine's day,
      // and the call's 25 keys are one hash of 25 fields, not 25 keys.
      try (UnifiedJedis redis = REDIS.client()) {
        List<String> keys = new ArrayList<>(redis.keys(nodes.namespace() + ":{c:0}:idem:cut-batch:*"));
        assertThat(keys).hasSize(1);
        assertThat(redis.hlen(keys.get(0))).isEqualTo(25);
        assertThat(redis.pttl(keys.get(0))).isBetween(1L, 80_000L);
      }
    }
  }

  @Test
  void enqueue_withTheCallersKey_keepsReportingTheCallersDuplicates() throws Exception {
    try (CroupierClient client = client(Nodes.address(node))) {
      JobRequest job = JobRequest.newBuilder("keyed", "f").idempotencyKey("order-7")
          .delay(Duration.ofHours(1)).build();
      EnqueueResult first = client.enqueue(job);
      EnqueueResult second = client.enqueue(job);
      assertThat(first.duplicate()).isFalse();
      assertThat(second.duplicate()).isTrue();
      assertThat(second.jobId()).isEqualTo(first.jobId());
    }
  }

  @Test
  void cancel_whoseReplyWasLost_reportsTheJobCancelled() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(node.address().getPort());
        CroupierClient client = client(proxy.address())) {
      String id = client.enqueue(JobRequest.newBuilder("cut-cancel", "f")
          .delay(Duration.ofHours(1)).build()).jobId();
      proxy.cutNextReply();
      assertThat(client.cancel(id)).isTrue();
      assertThat(client.lookup(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }
  }

  @Test
  void enqueue_whenNoNodeAnswers_failsOnceTheRetryDeadlinePassed() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(node.address().getPort());
        CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
            .address(proxy.address()).retryDeadline(Duration.ofMillis(700)).build())) {
      proxy.refuse(true);
      proxy.cutNextReply();
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.enqueue(JobRequest.newBuilder("gone", "f").build()))
          .isInstanceOfSatisfying(ServerException.class,
              e -> assertThat(e.code()).isEqualTo(ServerException.CONNECTION_LOST));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
    }
  }

  @Test
  void enqueue_whileRedisIsLoading_succeedsOnceItHasLoaded() throws Exception {
    try (LoadingRedis redis = LoadingRedis.start();
        Nodes own = new Nodes(redis.url(), "client-loading")) {
      Node loading = own.start();
      own.engine(0).registerFunction(FunctionSpec.newBuilder("f").build());
      try (CroupierClient client = client(Nodes.address(loading))) {
        redis.restartLoading();
        long start = System.nanoTime();
        String id = client.enqueue(JobRequest.newBuilder("t", "f").build()).jobId();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("it waited for Redis to load").isGreaterThan(Duration.ofMillis(500));
        assertThat(client.lookup(id)).isPresent();
      }
    }
  }
}
