package dev.croupier.node.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.JobRequest;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.protocol.ServerException;
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
}
