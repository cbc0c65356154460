package dev.croupier.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportFormatsTest {

  @Test
  void json_writesNestedValues_andNullForNaN() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "a\"b");
    m.put("n", 3);
    m.put("x", Double.NaN);
    m.put("series", new double[] {1.5, 2});
    m.put("list", List.of(Map.of("k", true)));
    String json = Json.write(m);
    assertThat(json).contains("\"name\": \"a\\\"b\"", "\"n\": 3", "\"x\": null", "\"series\": [1.5, 2]",
        "\"k\": true");
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
