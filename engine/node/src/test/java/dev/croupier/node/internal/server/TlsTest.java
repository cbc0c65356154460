package dev.croupier.node.internal.server;

import dev.croupier.api.JobState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.croupier.api.FunctionSpec;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobRequest;
import dev.croupier.protocol.ServerException;
import dev.croupier.worker.Worker;
import dev.croupier.worker.WorkerOptions;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS on the node's port: the handshake, a job end to end, and plain TCP refused. */
class TlsTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static Path cert;
  static Path key;
  static Nodes nodes;
  static Node node;

  @BeforeAll
  static void start() throws Exception {
    X509Bundle bundle = selfSigned();
    cert = bundle.toTempCertChainPem().toPath();
    key = bundle.toTempPrivateKeyPem().toPath();
    nodes = new Nodes(REDIS);
    node = nodes.start(b -> b.tls(cert, key));
  }

  @AfterAll
  static void stop() throws Exception {
    nodes.close();
    Files.deleteIfExists(cert);
    Files.deleteIfExists(key);
  }

  /** A certificate for localhost signed by its own key, as an operator's test setup would make. */
  static X509Bundle selfSigned() throws Exception {
    return new CertificateBuilder()
        .subject("CN=localhost")
        .addSanDnsName("localhost")
        .algorithm(CertificateBuilder.Algorithm.ecp256)
        .setIsCertificateAuthority(true)
        .buildSelfSigned();
  }

  static String address() {
    return "localhost:" + node.address().getPort();
  }

  @Test
  void tlsClientAndWorker_runAJob() {
    try (Worker worker = Worker.create(WorkerOptions.newBuilder().address(address())
            .tls(cert).build())
            .register(FunctionSpec.newBuilder("secure").build(), 2, job -> {})
            .start();
        CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
            .address(address()).tls(cert).build())) {
      assertThat(worker.awaitReady(Duration.ofSeconds(30))).isTrue();
      EnqueueResult e = client.enqueue(JobRequest.newBuilder("acme", "secure").payload("p").build());
      assertThat(client.await(e.jobId(), Duration.ofSeconds(30)).state())
          .isEqualTo(JobState.SUCCEEDED);
    }
  }

  @Test
  void plainClient_onTlsPort_cannotConnect() {
    assertThatThrownBy(() -> CroupierClient.connect(ClientOptions.newBuilder()
            .address(address()).connectTimeout(Duration.ofSeconds(3)).build()))
        .isInstanceOf(ServerException.class);
  }

  @Test
  void untrustedCertificate_failsTheHandshake() throws Exception {
    Path other = selfSigned().toTempCertChainPem().toPath();
    try {
      assertThatThrownBy(() -> CroupierClient.connect(ClientOptions.newBuilder()
              .address(address()).tls(other)
              .connectTimeout(Duration.ofSeconds(3)).build()))
          .isInstanceOf(ServerException.class);
    } finally {
      Files.deleteIfExists(other);
    }
  }
}
