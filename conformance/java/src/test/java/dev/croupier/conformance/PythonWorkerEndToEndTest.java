package dev.croupier.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.croupier.api.EnqueueResult;
import dev.croupier.api.JobInfo;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.testing.RedisServerExtension;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.CroupierClient;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python worker ({@code python3 -m croupier.worker}, its demo handler) as a subprocess of a
 * real node, fed by the Java producer client: every job ends as its payload says, with the
 * handler's result, and SIGTERM drains the worker.
 */
class PythonWorkerEndToEndTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final String WORKER_TOKEN = "conformance-worker-token";
  private static final String PRODUCER_TOKEN = "conformance-producer-token";
  private static final Map<Process, Thread> pumps = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void python() throws Exception {
    Python.requireRuntime();
  }

  @Test
  void pythonWorker_runsJavaProducersJobs() throws Exception {
    try (ConformanceNode node = new ConformanceNode(REDIS)) {
      String fn = "py-e2e-" + UUID.randomUUID().toString().substring(0, 8);
      List<String> lines = new ArrayList<>();
      Process worker = startWorker(lines, node.address(), fn, "--lease-timeout-ms", "600");
      Thread output = pumps.remove(worker);
      try (CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
          .address(node.address()).token(PRODUCER_TOKEN).build())) {
        Map<String, String> payloads = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
          payloads.put(enqueue(client, fn, "job-" + i), "job-" + i);
        }
        for (int i = 0; i < 3; i++) {
          payloads.put(enqueue(client, fn, "retry:1:flaky-" + i), "retry:1:flaky-" + i);
          payloads.put(enqueue(client, fn, "fail:bad-" + i), "fail:bad-" + i);
        }
        // Headers reach the handler (which prints them after the result).
        Map<String, String> withHeaders = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
          String id = client.enqueue(JobRequest.newBuilder("conf-acme", fn).payload("h-" + i)
              .header("X-Ref", "r-" + i).build()).jobId();
          withHeaders.put(id, "H-" + i + " x-ref=r-" + i);
        }
        // Longer than two 600 ms leases: only the worker's heartbeats keep them from being redelivered.
        payloads.put(enqueue(client, fn, "sleep:1500"), "sleep:1500");

        for (Map.Entry<String, String> job : payloads.entrySet()) {
          String id = job.getKey();
          String payload = job.getValue();
          JobInfo info = client.await(id, Duration.ofSeconds(30));
          if (payload.startsWith("fail:")) {
            assertThat(info.state()).as(payload).isEqualTo(JobState.DEAD);
            assertThat(info.lastError()).isEqualTo(payload.substring(5));
            assertThat(info.attempts()).isEqualTo(1);
          } else {
            assertThat(info.state()).as(payload).isEqualTo(JobState.SUCCEEDED);
            int attempts = payload.startsWith("retry:") ? 2 : 1;
            assertThat(info.attempts()).as(payload).isEqualTo(attempts);
            // The handler's result: the payload upper-cased, printed by the demo handler.
            awaitLine(lines, "result " + id + " " + attempts + " success " + payload.toUpperCase());
          }
        }
        for (Map.Entry<String, String> job : withHeaders.entrySet()) {
          assertThat(client.await(job.getKey(), Duration.ofSeconds(30)).state()).isEqualTo(JobState.SUCCEEDED);
          awaitLine(lines, "result " + job.getKey() + " 1 success " + job.getValue());
        }
      }
      // SIGTERM: drain and exit 0. Through the handle: Process.destroy() also closes our end of its
      // output, and the worker would fail writing its last line.
      worker.toHandle().destroy();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("the worker exits on SIGTERM").isTrue();
      output.join(10_000); // everything it printed, up to its last line
      assertThat(worker.exitValue()).as(String.join("\n", snapshot(lines))).isZero();
      assertThat(snapshot(lines)).last().isEqualTo("stopped");
    }
  }

  @Test
  void pythonWorker_overTls() throws Exception {
    X509Bundle bundle = new CertificateBuilder()
        .subject("CN=localhost")
        .addSanDnsName("localhost")
        .algorithm(CertificateBuilder.Algorithm.ecp256)
        .setIsCertificateAuthority(true)
        .buildSelfSigned();
    Path cert = bundle.toTempCertChainPem().toPath();
    Path key = bundle.toTempPrivateKeyPem().toPath();
    try (ConformanceNode node = new ConformanceNode(REDIS, b -> b.tls(cert, key))) {
      String fn = "py-tls-" + UUID.randomUUID().toString().substring(0, 8);
      String address = "localhost:" + node.port();
      List<String> lines = new ArrayList<>();
      Process worker = startWorker(lines, address, fn, "--ca-file", cert.toString());
      try (CroupierClient client = CroupierClient.connect(ClientOptions.newBuilder()
          .address(address).token(PRODUCER_TOKEN).tls(cert).build())) {
        String id = enqueue(client, fn, "secret");
        assertThat(client.await(id, Duration.ofSeconds(30)).state()).isEqualTo(JobState.SUCCEEDED);
        awaitLine(lines, "result " + id + " 1 success SECRET");
      } finally {
        worker.destroy();
        worker.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      Files.deleteIfExists(cert);
      Files.deleteIfExists(key);
    }
  }

  private static String enqueue(CroupierClient client, String fn, String payload) {
    EnqueueResult r = client.enqueue(JobRequest.newBuilder("conf-acme", fn).payload(payload).build());
    return r.jobId();
  }

  /** Starts the worker and waits for its "ready" line. */
  private static Process startWorker(List<String> lines, String address, String fn, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("-m", "croupier.worker", "--connect", address,
        "--token", WORKER_TOKEN, "--function", fn, "--max-in-flight", "4", "--max-attempts", "3",
        "--shutdown-grace", "5"));
    args.addAll(List.of(more));
    Process p = Python.process(Map.of(), args.toArray(String[]::new)).redirectErrorStream(true).start();
    pumps.put(p, Python.pump(p, lines));
    try {
      awaitLine(lines, "ready " + fn);
    } catch (AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
    return p;
  }

  private static void awaitLine(List<String> lines, String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (lines) {
      while (!lines.contains(line)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          fail("the Python worker did not print '" + line + "'; its output:\n" + String.join("\n", lines));
        }
        lines.wait(left);
      }
    }
  }

  private static List<String> snapshot(List<String> lines) {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
