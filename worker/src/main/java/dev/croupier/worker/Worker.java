package dev.croupier.worker;

import dev.croupier.protocol.ServerException;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.proto.v1.Role;
import dev.croupier.worker.internal.net.ConnectionConfig;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.worker.internal.net.Tls;
import dev.croupier.worker.internal.run.RuntimeSettings;
import dev.croupier.worker.internal.run.WorkerMeters;
import dev.croupier.worker.internal.run.WorkerRuntime;
import java.time.Duration;
import java.util.Objects;

/**
 * A remote worker: connects to an engine node, registers functions, and runs their jobs with the
 * same {@link JobHandler} interface as embedded mode. Each job runs on its own virtual thread; at
 * most {@code maxInFlight} jobs of a function run at once, and the node only sends as many as
 * there are free slots. Long jobs are heartbeated automatically (about every third of their lease
 * timeout). When a node goes away the worker reconnects, with backoff, to the next address.
 *
 * <pre>{@code
 * try (Worker worker = Worker.create(WorkerOptions.newBuilder().address("localhost:7077").build())) {
 *   worker.register(FunctionSpec.newBuilder("send-email").build(), 16, job -> send(job.payload()));
 *   worker.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Delivery is at least once: a job whose worker dies, or whose lease runs out, is delivered
 * again, so handlers should be idempotent. Thread-safe.
 */
public final class Worker implements AutoCloseable {

  private final WorkerRuntime runtime;

  private Worker(WorkerOptions options) {
    this.runtime = new WorkerRuntime(new RuntimeSettings(
        options.addresses().stream().map(NodeAddress::parse).toList(),
        new ConnectionConfig(options.token(), options.clientName(), Role.ROLE_WORKER,
            options.tls() ? Tls.clientContext(options.trustCertificate()) : null,
            options.connectTimeout(), options.maxFrameBytes(), options.idleTimeout()),
        options.reconnectMinBackoff(), options.reconnectMaxBackoff(), options.shutdownGrace(),
        options.tracing()), new WorkerMeters(options.meterRegistry()));
  }

  /** A worker that will connect as {@code options} say once {@link #start()}ed. */
  public static Worker create(WorkerOptions options) {
    return new Worker(Objects.requireNonNull(options, "options"));
  }

  /**
   * Serves {@code spec.name()} with {@code handler}, running at most {@code maxInFlight} of its
   * jobs at once. Allowed before and after {@link #start()}; when connected, registers at once and
   * throws {@link ServerException} if the node refuses (e.g. {@code CONFLICT}: the function is
   * registered with a different config).
   */
  public Worker register(FunctionSpec spec, int maxInFlight, JobHandler handler) {
    runtime.register(Objects.requireNonNull(spec, "spec"), maxInFlight,
        Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /** Stops serving a function; its running jobs finish. */
  public void unregister(String function) {
    runtime.unregister(function);
  }

  /** Starts connecting in the background; see {@link #awaitReady(Duration)}. */
  public Worker start() {
    runtime.start();
    return this;
  }

  /**
   * Waits until the first connection is up and the node has answered every registration (a
   * refused one is logged and not served); false if that took longer than {@code timeout}.
   */
  public boolean awaitReady(Duration timeout) {
    return runtime.awaitReady(timeout);
  }

  /** Whether a connection to a node is up now. */
  public boolean isConnected() {
    return runtime.connected();
  }

  /** Jobs running now. */
  public int running() {
    return runtime.running();
  }

  /**
   * Shuts down gracefully: takes no more jobs, lets running ones finish for up to the shutdown
   * grace, hands back the rest for immediate redelivery elsewhere, then closes.
   */
  @Override
  public void close() {
    runtime.close();
  }

  /**
   * Closes at once, as if the process died: running jobs are interrupted and are delivered again
   * after their leases expire.
   */
  public void abort() {
    runtime.abort();
  }
}
