package dev.croupier.node.config;

import dev.croupier.node.config.Tokens;
import dev.croupier.api.OptionChecks;
import dev.croupier.protocol.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an engine node listens. Immutable; build with {@link #newBuilder()}.
 *
 * @param host the address to bind; without tokens it must be a loopback address
 * @param port the port, 0 for any free one
 * @param tokens the accepted tokens, or null to accept any connection (loopback only)
 * @param tlsCert PEM certificate chain for TLS, or null for plain TCP
 * @param tlsKey PEM PKCS#8 private key for TLS, or null
 * @param maxFrameBytes largest frame accepted or sent
 * @param writeBufferLow outbound bytes under which a connection is writable again
 * @param writeBufferHigh outbound bytes over which a connection stops getting dispatches
 * @param maxOutboundBytes outbound bytes over which a connection is closed at once
 * @param slowReaderGrace how long a connection may stay unwritable before it is closed
 * @param helloTimeout how long a new connection has to send Hello
 * @param pingInterval silence after which the node pings
 * @param idleTimeout silence after which the node closes the connection
 * @param maxRequestsInFlight requests of one connection processed at once; more are refused with
 *     RESOURCE_EXHAUSTED until some are answered
 * @param maxWatchesPerConnection Watches one connection may have waiting at once; more are refused
 *     with RESOURCE_EXHAUSTED
 * @param maxFunctionsPerToken distinct functions one token's connections may serve on this node;
 *     registering more is refused with RESOURCE_EXHAUSTED
 * @param maxWatchTimeout longest Watch accepted
 * @param drainGrace how long close() lets workers finish and move before closing connections
 */
public record ServerOptions(
    String host,
    int port,
    Tokens tokens,
    Path tlsCert,
    Path tlsKey,
    int maxFrameBytes,
    int writeBufferLow,
    int writeBufferHigh,
    long maxOutboundBytes,
    Duration slowReaderGrace,
    Duration helloTimeout,
    Duration pingInterval,
    Duration idleTimeout,
    int maxRequestsInFlight,
    int maxWatchesPerConnection,
    int maxFunctionsPerToken,
    Duration maxWatchTimeout,
    Duration drainGrace) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7077;
  public static final int DEFAULT_WRITE_BUFFER_LOW = 256 << 10;
  public static final int DEFAULT_WRITE_BUFFER_HIGH = 1 << 20;
  public static final long DEFAULT_MAX_OUTBOUND_BYTES = 16L << 20;
  public static final Duration DEFAULT_SLOW_READER_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(35);
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 1024;
  public static final int DEFAULT_MAX_WATCHES_PER_CONNECTION = 10_000;
  public static final int DEFAULT_MAX_FUNCTIONS_PER_TOKEN = 1_000;
  public static final Duration DEFAULT_MAX_WATCH_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(5);

  /** Validates every field; messages show the bad value. */
  public ServerOptions {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("give both tlsCert and tlsKey, or neither: cert="
          + tlsCert + " key=" + tlsKey);
    }
    if (maxFrameBytes < 1024) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
    }
    if (writeBufferLow <= 0 || writeBufferHigh < writeBufferLow) {
      throw new IllegalArgumentException("need 0 < writeBufferLow <= writeBufferHigh: "
          + writeBufferLow + ", " + writeBufferHigh);
    }
    if (maxOutboundBytes < writeBufferHigh) {
      throw new IllegalArgumentException("maxOutboundBytes must be at least writeBufferHigh ("
          + writeBufferHigh + "): " + maxOutboundBytes);
    }
    OptionChecks.requirePositive("slowReaderGrace", slowReaderGrace);
    OptionChecks.requirePositive("helloTimeout", helloTimeout);
    OptionChecks.requirePositive("pingInterval", pingInterval);
    OptionChecks.requirePositive("idleTimeout", idleTimeout);
    OptionChecks.requirePositive("maxWatchTimeout", maxWatchTimeout);
    Objects.requireNonNull(drainGrace, "drainGrace");
    if (idleTimeout.compareTo(pingInterval) <= 0) {
      throw new IllegalArgumentException("idleTimeout " + idleTimeout
          + " must be longer than pingInterval " + pingInterval);
    }
    if (maxRequestsInFlight < 1) {
      throw new IllegalArgumentException("maxRequestsInFlight must be positive: " + maxRequestsInFlight);
    }
    if (maxFunctionsPerToken < 1) {
      throw new IllegalArgumentException(
          "maxFunctionsPerToken must be positive: " + maxFunctionsPerToken);
    }
    if (maxWatchesPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxWatchesPerConnection must be positive: " + maxWatchesPerConnection);
    }
  }

  /** Whether TLS is on. */
  public boolean tls() {
    return tlsCert != null;
  }

  /** A builder with every default. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builds {@link ServerOptions}. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Tokens tokens;
    private Path tlsCert;
    private Path tlsKey;
    private int maxFrameBytes = Wire.DEFAULT_MAX_FRAME_BYTES;
    private int writeBufferLow = DEFAULT_WRITE_BUFFER_LOW;
    private int writeBufferHigh = DEFAULT_WRITE_BUFFER_HIGH;
    private long maxOutboundBytes = DEFAULT_MAX_OUTBOUND_BYTES;
    private Duration slowReaderGrace = DEFAULT_SLOW_READER_GRACE;
    private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxRequestsInFlight = DEFAULT_MAX_REQUESTS_IN_FLIGHT;
    private int maxWatchesPerConnection = DEFAULT_MAX_WATCHES_PER_CONNECTION;
    private int maxFunctionsPerToken = DEFAULT_MAX_FUNCTIONS_PER_TOKEN;
    private Duration maxWatchTimeout = DEFAULT_MAX_WATCH_TIMEOUT;
    private Duration drainGrace = DEFAULT_DRAIN_GRACE;

    private Builder() {}

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder tokens(Tokens v) { tokens = v; return this; }
    public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }
    public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
    public Builder writeBuffer(int low, int high) { writeBufferLow = low; writeBufferHigh = high; return this; }
    public Builder maxOutboundBytes(long v) { maxOutboundBytes = v; return this; }
    public Builder slowReaderGrace(Duration v) { slowReaderGrace = v; return this; }
    public Builder helloTimeout(Duration v) { helloTimeout = v; return this; }
    public Builder pingInterval(Duration v) { pingInterval = v; return this; }
    public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
    public Builder maxRequestsInFlight(int v) { maxRequestsInFlight = v; return this; }
    public Builder maxWatchesPerConnection(int v) { maxWatchesPerConnection = v; return this; }
    public Builder maxFunctionsPerToken(int v) { maxFunctionsPerToken = v; return this; }
    public Builder maxWatchTimeout(Duration v) { maxWatchTimeout = v; return this; }
    public Builder drainGrace(Duration v) { drainGrace = v; return this; }

    /** Builds and validates the options. */
    public ServerOptions build() {
      return new ServerOptions(host, port, tokens, tlsCert, tlsKey, maxFrameBytes, writeBufferLow,
          writeBufferHigh, maxOutboundBytes, slowReaderGrace, helloTimeout, pingInterval,
          idleTimeout, maxRequestsInFlight, maxWatchesPerConnection, maxFunctionsPerToken,
          maxWatchTimeout, drainGrace);
    }
  }
}
