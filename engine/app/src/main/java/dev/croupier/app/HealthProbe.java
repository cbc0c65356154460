package dev.croupier.app;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A container health check: exits 0 when {@code GET URL} answers 200 within 3 s, else 1. The
 * image has no shell and no curl, so compose and other runtimes that health-check by running a
 * command run this on the image's JRE:
 * {@code java -cp '/app/classpath/*' dev.croupier.app.HealthProbe http://127.0.0.1:9090/health}.
 */
public final class HealthProbe {

  private static final int TIMEOUT_MS = 3000;

  private HealthProbe() {}

  /** Probes {@code args[0]}; exits with the result. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: HealthProbe http://HOST:PORT/health");
      System.exit(2);
    }
    System.exit(status(args[0]) == 200 ? 0 : 1);
  }

  /** The HTTP status {@code GET url} answers, or -1 when it cannot be reached in time. */
  static int status(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(TIMEOUT_MS);
      c.setReadTimeout(TIMEOUT_MS);
      try {
        return c.getResponseCode();
      } finally {
        c.disconnect();
      }
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("health check of " + url + " failed: " + e);
      return -1;
    }
  }
}
