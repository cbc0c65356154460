package dev.croupier.worker;

import dev.croupier.api.OptionChecks;
import dev.croupier.api.tracing.JobTracing;
import dev.croupier.worker.internal.net.NodeAddress;
import dev.croupier.protocol.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link CroupierClient} connects. Immutable; build with {@link #newBuilder()}.
 *
 * @param addresses engine nodes as {@code host:port}; the client uses one at a time and moves to
 *     the next when it is gone
 * @param token the producer token ("" for a node without a tokens file)
 * @param clientName how the nodes' logs name this client
 * @param tls whether to connect with TLS
 * @param trustCertificate PEM certificate(s) to trust for TLS, or null for the JDK's trust store
 * @param connectTimeout how long connecting plus the handshake may take
 * @param requestTimeout how long a request (other than a watch) waits for its reply
 * @param maxFrameBytes largest frame accepted from a node
 * @param idleTimeout silence from a node after which its connection is presumed dead
 * @param retryDeadline how long after a call began it may still be retried (transparently, with
 *     backoff) when the connection is lost or the node is unavailable, overloaded or stopping;
 *     zero turns retries off (see {@link CroupierClient} for what a caller may assume)
 * @param retryMinBackoff the first pause between attempts (later ones double, with jitter)
 * @param retryMaxBackoff the longest pause between attempts
 * @param tracing how enqueues are traced: by default {@link JobTracing#detect()} (OpenTelemetry's
 *     global instance when its API is on the class path, nothing otherwise);
 *     {@code OpenTelemetryTracing.of(openTelemetry)} for another instance, {@link JobTracing#none()}
 *     to turn it off
 */
public record ClientOptions(
    List<String> addresses,
    String token,
    String clientName,
    boolean tls,
    Path trustCertificate,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxFrameBytes,
    Duration idleTimeout,
    Duration retryDeadline,
    Duration retryMinBackoff,
    Duration retryMaxBackoff,
    JobTracing tracing) {

  public static final String DEFAULT_CLIENT_NAME = "java-client";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(35);
  public static final Duration DEFAULT_RETRY_DEADLINE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_MIN_BACKOFF = Duration.ofMillis(50);
  public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(2);

  /** Validates every field; messages show the bad value. */
  public ClientOptions {
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("give at least one node address (host:port)");
    }
    addresses.forEach(NodeAddress::parse);
    token = token == null ? "" : token;
    clientName = clientName == null ? DEFAULT_CLIENT_NAME : clientName;
    tracing = tracing == null ? JobTracing.detect() : tracing;
    OptionChecks.requirePositive("connectTimeout", connectTimeout);
    OptionChecks.requirePositive("requestTimeout", requestTimeout);
    OptionChecks.requirePositive("idleTimeout", idleTimeout);
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
    }
    retryDeadline = OptionChecks.requireNonNegative("retryDeadline", retryDeadline);
    OptionChecks.requirePositive("retryMinBackoff", retryMinBackoff);
    OptionChecks.requirePositive("retryMaxBackoff", retryMaxBackoff);
    if (retryMaxBackoff.compareTo(retryMinBackoff) < 0) {
      throw new IllegalArgumentException("retryMaxBackoff " + retryMaxBackoff
          + " must not be below retryMinBackoff " + retryMinBackoff);
    }
  }

  /** Whether failed calls are retried (and enqueues get idempotency keys to make that safe). */
  public boolean retries() {
    return !retryDeadline.isZero();
  }

  /** A builder with every default; add at least one address. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds {@link ClientOptions}. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private String token = "";
    private String clientName = DEFAULT_CLIENT_NAME;
    private boolean tls;
    private Path trustCertificate;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxFrameBytes = Wire.DEFAULT_MAX_FRAME_BYTES;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration retryDeadline = DEFAULT_RETRY_DEADLINE;
    private Duration retryMinBackoff = DEFAULT_RETRY_MIN_BACKOFF;
    private Duration retryMaxBackoff = DEFAULT_RETRY_MAX_BACKOFF;
    private JobTracing tracing;

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

    /** The producer token. */
    public Builder token(String v) {
      token = v;
      return this;
    }

    /** How the nodes' logs name this client. */
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

    /** How long a request waits for its reply. */
    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
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
     * How long after a call began it may still be retried; {@link Duration#ZERO} turns retries
     * (and the idempotency keys that make enqueue retries safe) off.
     */
    public Builder retryDeadline(Duration v) {
      retryDeadline = v;
      return this;
    }

    /** The pauses between attempts: from {@code min}, doubling, at most {@code max}. */
    public Builder retryBackoff(Duration min, Duration max) {
      retryMinBackoff = min;
      retryMaxBackoff = max;
      return this;
    }

    /**
     * How enqueues are traced ({@link JobTracing#detect()} by default; {@link JobTracing#none()}
     * turns it off).
     */
    public Builder tracing(JobTracing v) {
      tracing = v;
      return this;
    }

    /** Builds and validates the options. */
    public ClientOptions build() {
      return new ClientOptions(addresses, token, clientName, tls, trustCertificate, connectTimeout,
          requestTimeout, maxFrameBytes, idleTimeout, retryDeadline, retryMinBackoff,
          retryMaxBackoff, tracing);
    }
  }
}
