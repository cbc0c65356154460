package dev.croupier.worker;

import dev.croupier.api.OptionChecks;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.protocol.Wire;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Worker} connects. Immutable; build with {@link #newBuilder()}.
 *
 * @param addresses engine nodes as {@code host:port}; the worker serves through one at a time,
 *     starting with the first, and moves to the next when it is gone (list them in different
 *     orders on different workers to spread the load)
 * @param token the worker token ("" for a node without a tokens file)
 * @param clientName how the nodes' logs name this worker
 * @param tls whether to connect with TLS
 * @param trustCertificate PEM certificate(s) to trust for TLS, or null for the JDK's trust store
 * @param connectTimeout how long connecting plus the handshake may take
 * @param reconnectMinBackoff the first wait before reconnecting after a failure
 * @param reconnectMaxBackoff the longest wait between reconnect attempts
 * @param shutdownGrace how long {@link Worker#close()} lets running jobs finish before handing
 *     them back
 * @param maxFrameBytes largest frame accepted from a node
 * @param idleTimeout silence from a node after which its connection is presumed dead
 * @param tracing how runs are traced: by default {@link JobTracing#detect()} (OpenTelemetry's
 *     global instance when its API is on the class path, nothing otherwise);
 *     {@code OpenTelemetryTracing.of(openTelemetry)} for another instance, {@link JobTracing#none()}
 *     to turn it off
 * @param meterRegistry where the worker's meters go ({@code croupier.worker.*}: jobs by outcome,
 *     run time, jobs running, reconnects), or null (the default) for no meters
 */
public record WorkerOptions(
    List<String> addresses,
    String token,
    String clientName,
    boolean tls,
    Path trustCertificate,
    Duration connectTimeout,
    Duration reconnectMinBackoff,
    Duration reconnectMaxBackoff,
    Duration shutdownGrace,
    int maxFrameBytes,
    Duration idleTimeout,
    JobTracing tracing,
    MeterRegistry meterRegistry) {

  public static final String DEFAULT_CLIENT_NAME = "java-worker";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RECONNECT_MIN_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_RECONNECT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(35);

  /** Validates every field; messages show the bad value. */
  public WorkerOptions {
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("give at least one node address (host:port)");
    }
    addresses.forEach(NodeAddress::parse);
    token = token == null ? "" : token;
    clientName = clientName == null ? DEFAULT_CLIENT_NAME : clientName;
    tracing = tracing == null ? JobTracing.detect() : tracing;
    OptionChecks.requirePositive("connectTimeout", connectTimeout);
    OptionChecks.requirePositive("reconnectMinBackoff", reconnectMinBackoff);
    OptionChecks.requirePositive("reconnectMaxBackoff", reconnectMaxBackoff);
    OptionChecks.requirePositive("idleTimeout", idleTimeout);
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
    }
    if (reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
      throw new IllegalArgumentException("reconnectMaxBackoff " + reconnectMaxBackoff
          + " must not be below reconnectMinBackoff " + reconnectMinBackoff);
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
    }
  }

  /** A builder with every default; add at least one address. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds {@link WorkerOptions}. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private String token = "";
    private String clientName = DEFAULT_CLIENT_NAME;
    private boolean tls;
    private Path trustCertificate;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectMinBackoff = DEFAULT_RECONNECT_MIN_BACKOFF;
    private Duration reconnectMaxBackoff = DEFAULT_RECONNECT_MAX_BACKOFF;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private int maxFrameBytes = Wire.DEFAULT_MAX_FRAME_BYTES;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private JobTracing tracing;
    private MeterRegistry meterRegistry;

    private Builder() {}

    /** Adds a node address, {@code host:port}. */
    public Builder address(String hostPort) {
      addresses.add(hostPort);
      return this;
    }

    /** Adds node addresses. */
    public Builder addresses(List<String> hostPorts) {
      addresses.addAll(hostPorts);
      return this;
    }

    /** The worker token. */
    public Builder token(String v) {
      token = v;
      return this;
    }

    /** How the nodes' logs name this worker. */
    public Builder clientName(String v) {
      clientName = v;
      return this;
    }

    /** Connects with TLS, trusting {@code certificate} (PEM), or the JDK's trust store if null. */
    public Builder tls(Path certificate) {
      tls = true;
      trustCertificate = certificate;
      return this;
    }

    /** How long connecting plus the handshake may take. */
    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    /** The backoff between reconnect attempts: from {@code min}, doubling, up to {@code max}. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      reconnectMinBackoff = min;
      reconnectMaxBackoff = max;
      return this;
    }

    /** How long close() lets running jobs finish. */
    public Builder shutdownGrace(Duration v) {
      shutdownGrace = v;
      return this;
    }

    /** Largest frame accepted. */
    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    /** Silence after which a node is presumed dead. */
    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    /**
     * How runs are traced ({@link JobTracing#detect()} by default; {@link JobTracing#none()}
     * turns it off).
     */
    public Builder tracing(JobTracing v) {
      tracing = v;
      return this;
    }

    /**
     * Where the worker's meters go (e.g. the application's Prometheus registry); without one the
     * worker records none.
     */
    public Builder meterRegistry(MeterRegistry v) {
      meterRegistry = v;
      return this;
    }

    /** Builds and validates the options. */
    public WorkerOptions build() {
      return new WorkerOptions(addresses, token, clientName, tls, trustCertificate, connectTimeout,
          reconnectMinBackoff, reconnectMaxBackoff, shutdownGrace, maxFrameBytes, idleTimeout,
          tracing, meterRegistry);
    }
  }
}
