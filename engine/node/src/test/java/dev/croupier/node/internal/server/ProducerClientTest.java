package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.JobRequest;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.protocol.ServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Java producer client against a live node: what it reports, and what it checks itself. */
class ProducerClientTest extends OneNodeTest {

  @Test
  void enqueue_overTheNodesFrameLimit_failsAsFrameTooLarge_andTheClientStaysUsable() {
    try (CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
        .address(Nodes.address(node)).build())) {
      JobRequest huge = JobRequest.newBuilder("acme", "f").payload(new byte[5 << 20]).build();
      assertThatThrownBy(() -> client.enqueue(huge))
          .isInstanceOfSatisfying(ServerException.class,
              e -> assertThat(e.code()).isEqualTo("FRAME_TOO_LARGE"))
          .hasMessageContaining("5242")
          .hasMessageContaining("4194304");
      assertThat(client.enqueue(JobRequest.newBuilder("acme", "f").payload("small").build())
          .jobId()).isNotEmpty();
    }
  }

  @Test
  void requestsFromManyThreadsAtOnce_eachGetTheirOwnReply() throws Exception {
    // Requests queued from many threads share writes and flushes on the connection: each must
    // still be answered, and with its own reply.
    try (CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
        .address(Nodes.address(node)).build())) {
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      Map<String, String> payloadById = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 50; i++) {
            String payload = thread + "/" + i;
            String id = client.enqueue(JobRequest.newBuilder("acme", "f").payload(payload).build()).jobId();
            payloadById.put(id, payload);
            assertThat(client.lookup(id)).hasValueSatisfying(info -> assertThat(info.id()).isEqualTo(id));
          }
        }, pool));
      }
      CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(payloadById).hasSize(400);
      assertThat(Set.copyOf(payloadById.values())).hasSize(400);
    }
  }
}
