package dev.croupier.worker.internal.net;

import dev.croupier.api.CroupierException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;

/** Client-side TLS contexts. */
public final class Tls {

  private Tls() {}

  /**
   * A client context trusting the PEM certificates in {@code trust}, or the JDK's default trust
   * store when it is null. Hostnames are verified by {@link Connection}.
   */
  public static SslContext clientContext(Path trust) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (trust != null) {
        b.trustManager(trust.toFile());
      }
      return b.build();
    } catch (Exception e) {
      throw new CroupierException("cannot set up TLS"
          + (trust == null ? "" : " trusting " + trust) + ": " + e.getMessage(), e);
    }
  }
}
