package dev.croupier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobHeadersTest {

  private static Map<String, String> many(int n, int valueBytes) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("h" + i, "v".repeat(valueBytes));
    }
    return m;
  }

  @Test
  void normalize_lowerCasesNames_sortsThem_andKeepsValuesAsGiven() {
    Map<String, String> h = JobHeaders.normalize(Map.of("TraceParent", "00-A", "x-Request.ID_1", "Mixed Case"));
    assertThat(h).containsExactly(Map.entry("traceparent", "00-A"), Map.entry("x-request.id_1", "Mixed Case"));
    assertThat(JobHeaders.normalize(null)).isEmpty();
    assertThat(JobHeaders.normalize(Map.of())).isEmpty();
  }

  @Test
  void normalize_acceptsEveryLimitExactly() {
    Map<String, String> h = new HashMap<>(many(31, 10));
    h.put("n".repeat(JobHeaders.MAX_NAME_LENGTH), "é".repeat(JobHeaders.MAX_VALUE_BYTES / 2));
    assertThat(JobHeaders.normalize(h)).hasSize(JobHeaders.MAX_HEADERS);
    // 4 headers "hN" of 1022 bytes: 4 * 1024 = 4096 bytes in all.
    assertThat(JobHeaders.normalize(many(4, 1022))).hasSize(4);
    assertThat(JobHeaders.normalize(Map.of("empty", ""))).containsEntry("empty", "");
  }

  @Test
  void normalize_refusesWhatBreaksALimit_namingTheHeaderAndTheRule() {
    assertThatThrownBy(() -> JobHeaders.normalize(many(33, 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("headers hold 33 entries; at most 32 are accepted");
    assertThatThrownBy(() -> JobHeaders.normalize(Map.of("bad name", "v")))
        .hasMessageContaining("header name 'bad name' is invalid").hasMessageContaining("A-Z a-z 0-9 . _ -");
    assertThatThrownBy(() -> JobHeaders.normalize(Map.of("", "v")))
        .hasMessageContaining("header name '' is invalid");
    assertThatThrownBy(() -> JobHeaders.normalize(Map.of("n".repeat(65), "v")))
        .hasMessageContaining("is invalid: use 1-64 characters");
    assertThatThrownBy(() -> JobHeaders.normalize(Map.of("big", "é".repeat(513))))
        .hasMessage("header 'big' value has 1026 bytes (UTF-8); at most 1024 are accepted");
    assertThatThrownBy(() -> JobHeaders.normalize(many(5, 1000)))
        .hasMessage("headers take 5010 bytes (names plus values, UTF-8); at most 4096 are accepted");
    Map<String, String> twice = new LinkedHashMap<>();
    twice.put("Trace", "a");
    twice.put("trace", "b");
    assertThatThrownBy(() -> JobHeaders.normalize(twice))
        .hasMessageContaining("header 'trace' is given twice").hasMessageContaining("case-insensitive");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(() -> JobHeaders.normalize(nullValue)).hasMessageContaining("header 'k' has no value");
    assertThatThrownBy(() -> JobHeaders.normalize(Map.of("k", "a\uD800b")))
        .hasMessageContaining("header 'k' value is not valid Unicode text");
  }

  @Test
  void violation_saysWhy_orNull() {
    assertThat(JobHeaders.violation(Map.of("ok", "v"))).isNull();
    assertThat(JobHeaders.violation(null)).isNull();
    assertThat(JobHeaders.violation(many(33, 1))).contains("33 entries");
  }

  @Test
  void enqueueOptionsAndRequests_carryHeaders_checkedWhenBuilt() {
    JobRequest r = JobRequest.newBuilder("acme", "f").header("X-Id", "42").headers(Map.of("b", "2")).build();
    assertThat(r.options().headers()).containsExactly(Map.entry("b", "2"), Map.entry("x-id", "42"));
    assertThat(EnqueueOptions.DEFAULTS.headers()).isEmpty();
    assertThat(r.withHeaders(Map.of("C", "3")).options().headers()).containsExactly(Map.entry("c", "3"));
    assertThatThrownBy(() -> JobRequest.newBuilder("acme", "f").header("a b", "v").build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("header name 'a b'");
  }
}
