package dev.croupier.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportFormatsTest {

  @Test
  void json_writesNestedValues_andNullForNonFiniteNumbers() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "a\"b");
    m.put("n", 3);
    m.put("x", Double.NaN);
    m.put("series", new double[] {1.5, 2, Double.POSITIVE_INFINITY});
    m.put("list", List.of(Map.of("k", true)));

    String json = Json.write(m);

    assertThat(json).contains("\"name\": \"a\\\"b\"", "\"x\": null").endsWith("}\n");
    JsonNode read = Json.read(json);
    assertThat(read.properties()).extracting(Map.Entry::getKey)
        .containsExactly("name", "n", "x", "series", "list");
    assertThat(read.get("name").asText()).isEqualTo("a\"b");
    assertThat(read.get("n").isIntegralNumber()).isTrue();
    assertThat(read.get("n").asLong()).isEqualTo(3);
    assertThat(read.get("x").isNull()).isTrue();
    assertThat(read.get("series")).hasSize(3);
    assertThat(read.get("series").get(0).asDouble()).isEqualTo(1.5);
    assertThat(read.get("series").get(1).asDouble()).isEqualTo(2.0);
    assertThat(read.get("series").get(2).isNull()).isTrue();
    assertThat(read.get("list").get(0).get("k").asBoolean()).isTrue();
  }

  @Test
  void json_stringsWithQuotesBackslashesAndControls_roundTripOnOneLine() {
    String nasty = "q\"b\\n\nt\tz\u0000\u001f\u2028end";

    String json = Json.compact(Map.of(nasty, nasty));

    assertThat(json).doesNotContain("\n").doesNotContain("\u0000");
    assertThat(Json.read(json).get(nasty).asText()).isEqualTo(nasty);
  }

  @Test
  void json_read_rejectsTrailingTextAndDuplicateKeys() {
    assertThatThrownBy(() -> Json.read("{\"a\": 1} {\"b\": 2}")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> Json.read("{\"a\": 1, \"a\": 2}")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> Json.read("{\"a\": ")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void markdownTable_padsColumns() {
    String t = new MarkdownTable(List.of("a", "bb")).row(List.of("xyz", "1")).render();
    assertThat(t).isEqualTo("| a   | bb  |\n| --- | --- |\n| xyz | 1   |\n");
  }

  @Test
  void format_nanos_picksUnit() {
    assertThat(Format.nanos(850_000)).isEqualTo("850 us");
    assertThat(Format.nanos(12_300_000)).isEqualTo("12.3 ms");
    assertThat(Format.nanos(4_200_000_000L)).isEqualTo("4.20 s");
    assertThat(Format.nanos(Long.MAX_VALUE)).isEqualTo("never");
  }
}
