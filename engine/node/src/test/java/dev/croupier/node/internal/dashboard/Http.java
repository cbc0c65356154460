package dev.croupier.node.internal.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small HTTP client for the dashboard's API in tests. */
final class Http {

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  private final String token;

  Http(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** The same server with another token (null: none). */
  Http as(String otherToken) {
    return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
  }

  HttpResponse<String> get(String path) {
    return send(builder(path).GET());
  }

  /** A POST as the dashboard sends it: with the CSRF header. */
  HttpResponse<String> post(String path, String json) {
    HttpRequest.Builder b = builder(path).header("X-Croupier-CSRF", "1");
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.POST(json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST without the CSRF header, as a cross-site form would send it. */
  HttpResponse<String> postWithoutCsrf(String path) {
    return send(builder(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }
}
