package dev.croupier.node.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.croupier.node.config.Tokens;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

  static final Tokens TOKENS = Tokens.parse("test", List.of(
      "admin-secret-1 admin *",
      "producer-secret-1 producer acme",
      "worker-secret-1 worker f"));

  static AdminRequest req(String method, String path, String remote, Map<String, String> headers) {
    Map<String, String> h = new HashMap<>();
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
    try {
      return new AdminRequest(method, path, Map.of(), name -> h.get(name.toLowerCase(Locale.ROOT)),
          new byte[0], InetAddress.getByName(remote));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static int status(Optional<AdminResponse> r) {
    return r.map(AdminResponse::status).orElse(200);
  }

  @Test
  void withoutTokens_loopbackClientThroughLoopbackName_passes() {
    AdminAccess access = new AdminAccess(null);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "127.0.0.1",
        Map.of("Host", "127.0.0.1:9090"))))).isEqualTo(200);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "::1",
        Map.of("Host", "[::1]:9090"))))).isEqualTo(200);
    assertThat(status(access.checkAsset(req("GET", "/dashboard/", "127.0.0.1",
        Map.of("Host", "localhost:9090"))))).isEqualTo(200);
  }

  @Test
  void withoutTokens_remoteClient_isRefused() {
    AdminAccess access = new AdminAccess(null);
    Optional<AdminResponse> r = access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "10.0.0.1:9090")));
    assertThat(status(r)).isEqualTo(403);
    assertThat(new String(r.get().body())).contains("loopback clients only", "--tokens");
    assertThat(status(access.checkAsset(req("GET", "/dashboard/", "10.1.2.3",
        Map.of("Host", "10.0.0.1:9090"))))).isEqualTo(403);
  }

  @Test
  void withoutTokens_foreignHostName_isRefused_evenFromLoopback() {
    // A page on evil.example whose name was rebound to 127.0.0.1 sends its own Host.
    AdminAccess access = new AdminAccess(null);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "127.0.0.1",
        Map.of("Host", "evil.example:9090"))))).isEqualTo(403);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "127.0.0.1", Map.of()))))
        .isEqualTo(403);
  }

  @Test
  void withTokens_apiNeedsTheAdminToken() {
    AdminAccess access = new AdminAccess(TOKENS);
    Map<String, String> host = Map.of("Host", "node:9090");
    Optional<AdminResponse> none = access.checkApi(req("GET", "/api/tenants", "10.1.2.3", host));
    assertThat(status(none)).isEqualTo(401);
    assertThat(none.get().headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"croupier\"");
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", "Bearer wrong-secret"))))).isEqualTo(401);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", "Basic YWRtaW4=")))))
        .isEqualTo(401);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", "Bearer producer-secret-1")))))
        .isEqualTo(403);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", "Bearer worker-secret-1")))))
        .isEqualTo(403);
    assertThat(status(access.checkApi(req("GET", "/api/tenants", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", "Bearer admin-secret-1")))))
        .isEqualTo(200);
  }

  @Test
  void withTokens_assetsCarryNoData_andLoadWithoutAToken() {
    AdminAccess access = new AdminAccess(TOKENS);
    assertThat(status(access.checkAsset(req("GET", "/dashboard/", "10.1.2.3",
        Map.of("Host", "node:9090"))))).isEqualTo(200);
    assertThat(status(access.checkAsset(req("POST", "/dashboard/", "10.1.2.3",
        Map.of("Host", "node:9090"))))).isEqualTo(405);
  }

  @Test
  void post_needsTheCsrfHeader_andTheServersOwnOrigin() {
    AdminAccess access = new AdminAccess(TOKENS);
    String auth = "Bearer admin-secret-1";
    assertThat(status(access.checkApi(req("POST", "/api/tenants/a/pause", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", auth))))).isEqualTo(403);
    assertThat(status(access.checkApi(req("POST", "/api/tenants/a/pause", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", auth, "X-Croupier-CSRF", "1")))))
        .isEqualTo(200);
    assertThat(status(access.checkApi(req("POST", "/api/tenants/a/pause", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", auth, "X-Croupier-CSRF", "1",
            "Origin", "http://node:9090"))))).isEqualTo(200);
    assertThat(status(access.checkApi(req("POST", "/api/tenants/a/pause", "10.1.2.3",
        Map.of("Host", "node:9090", "Authorization", auth, "X-Croupier-CSRF", "1",
            "Origin", "https://evil.example"))))).isEqualTo(403);
    // Without tokens the same header is what stops a cross-site form.
    AdminAccess open = new AdminAccess(null);
    assertThat(status(open.checkApi(req("POST", "/api/tenants/a/pause", "127.0.0.1",
        Map.of("Host", "127.0.0.1:9090", "Origin", "https://evil.example"))))).isEqualTo(403);
    assertThat(status(open.checkApi(req("POST", "/api/tenants/a/pause", "127.0.0.1",
        Map.of("Host", "127.0.0.1:9090", "X-Croupier-CSRF", "1"))))).isEqualTo(200);
  }

  @Test
  void otherMethods_areRefused() {
    AdminAccess access = new AdminAccess(null);
    Optional<AdminResponse> r = access.checkApi(req("DELETE", "/api/tenants/a", "127.0.0.1",
        Map.of("Host", "127.0.0.1:9090")));
    assertThat(status(r)).isEqualTo(405);
    assertThat(r.get().headers()).containsEntry("Allow", "GET, POST");
  }

  @Test
  void hostName_handlesPortsAndIpv6() {
    assertThat(AdminAccess.hostName("localhost:80")).isEqualTo("localhost");
    assertThat(AdminAccess.hostName("[::1]:80")).isEqualTo("::1");
    assertThat(AdminAccess.hostName("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(AdminAccess.hostName(" ")).isNull();
  }
}
