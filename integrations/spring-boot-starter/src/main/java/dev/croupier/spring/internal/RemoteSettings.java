package dev.croupier.spring.internal;

import dev.croupier.spring.CroupierProperties;
import dev.croupier.worker.ClientOptions;
import dev.croupier.worker.WorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the remote worker's {@link WorkerOptions} and the producer's {@link ClientOptions} from
 * {@code croupier.remote.*}.
 */
public final class RemoteSettings {

  private static final String P = "croupier.remote.";
  private static final Map<String, String> COMMON = Map.ofEntries(
      Map.entry("addresses", P + "addresses"),
      Map.entry("address", P + "addresses"),
      Map.entry("host", P + "addresses"),
      Map.entry("port", P + "addresses"),
      Map.entry("connectTimeout", P + "connect-timeout"),
      Map.entry("idleTimeout", P + "idle-timeout"),
      Map.entry("maxFrameBytes", P + "max-frame-size"));
  private static final Map<String, String> WORKER = with(COMMON,
      Map.entry("reconnectMinBackoff", P + "worker.reconnect-min-backoff"),
      Map.entry("reconnectMaxBackoff", P + "worker.reconnect-max-backoff"),
      Map.entry("shutdownGrace", "croupier.shutdown-grace"));
  private static final Map<String, String> CLIENT = with(COMMON,
      Map.entry("requestTimeout", P + "producer.request-timeout"),
      Map.entry("retryDeadline", P + "producer.retry-deadline"),
      Map.entry("retryMinBackoff", P + "producer.retry-min-backoff"),
      Map.entry("retryMaxBackoff", P + "producer.retry-max-backoff"));

  private RemoteSettings() {}

  /** The worker's options without meters (tests); see {@link #worker(CroupierProperties, MeterRegistry)}. */
  public static WorkerOptions worker(CroupierProperties properties) {
    return worker(properties, null);
  }

  /**
   * The worker's options; its shutdown grace is {@code croupier.shutdown-grace}, its meters go to
   * {@code registry} (the application's; null = none).
   */
  public static WorkerOptions worker(CroupierProperties properties, MeterRegistry registry) {
    CroupierProperties.Remote r = properties.getRemote();
    CroupierProperties.Worker w = r.getWorker();
    WorkerOptions.Builder b = WorkerOptions.newBuilder().addresses(addresses(r));
    set(w.getToken() != null ? w.getToken() : r.getToken(), b::token);
    set(w.getClientName(), b::clientName);
    if (r.getTls().isEnabled()) {
      b.tls(r.getTls().getTrustCertificate());
    }
    set(r.getConnectTimeout(), b::connectTimeout);
    set(r.getIdleTimeout(), b::idleTimeout);
    set(frameBytes(r), b::maxFrameBytes);
    if (w.getReconnectMinBackoff() != null || w.getReconnectMaxBackoff() != null) {
      b.reconnectBackoff(
          w.getReconnectMinBackoff() != null ? w.getReconnectMinBackoff() : WorkerOptions.DEFAULT_RECONNECT_MIN_BACKOFF,
          w.getReconnectMaxBackoff() != null ? w.getReconnectMaxBackoff() : WorkerOptions.DEFAULT_RECONNECT_MAX_BACKOFF);
    }
    b.shutdownGrace(properties.getShutdownGrace());
    if (registry != null) {
      b.meterRegistry(registry);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw PropertyErrors.invalid("croupier.remote", WORKER, e);
    }
  }

  /** The producer client's options. */
  public static ClientOptions client(CroupierProperties properties) {
    CroupierProperties.Remote r = properties.getRemote();
    CroupierProperties.Producer p = r.getProducer();
    ClientOptions.Builder b = ClientOptions.newBuilder().addresses(addresses(r));
    set(p.getToken() != null ? p.getToken() : r.getToken(), b::token);
    set(p.getClientName(), b::clientName);
    if (r.getTls().isEnabled()) {
      b.tls(r.getTls().getTrustCertificate());
    }
    set(r.getConnectTimeout(), b::connectTimeout);
    set(r.getIdleTimeout(), b::idleTimeout);
    set(frameBytes(r), b::maxFrameBytes);
    set(p.getRequestTimeout(), b::requestTimeout);
    set(p.getRetryDeadline(), b::retryDeadline);
    if (p.getRetryMinBackoff() != null || p.getRetryMaxBackoff() != null) {
      b.retryBackoff(
          p.getRetryMinBackoff() != null ? p.getRetryMinBackoff() : ClientOptions.DEFAULT_RETRY_MIN_BACKOFF,
          p.getRetryMaxBackoff() != null ? p.getRetryMaxBackoff() : ClientOptions.DEFAULT_RETRY_MAX_BACKOFF);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw PropertyErrors.invalid("croupier.remote", CLIENT, e);
    }
  }

  private static List<String> addresses(CroupierProperties.Remote r) {
    List<String> addresses = r.getAddresses() == null ? List.of()
        : r.getAddresses().stream().map(String::trim).filter(a -> !a.isEmpty()).toList();
    if (addresses.isEmpty()) {
      throw PropertyErrors.missing(P + "addresses", "remote", "node-a:7077,node-b:7077");
    }
    return addresses;
  }

  private static Integer frameBytes(CroupierProperties.Remote r) {
    if (r.getMaxFrameSize() == null) {
      return null;
    }
    long bytes = r.getMaxFrameSize().toBytes();
    return bytes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) bytes;
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  @SafeVarargs
  private static Map<String, String> with(Map<String, String> base, Map.Entry<String, String>... more) {
    Map<String, String> m = new HashMap<>(base);
    for (Map.Entry<String, String> e : more) {
      m.put(e.getKey(), e.getValue());
    }
    return Map.copyOf(m);
  }
}
