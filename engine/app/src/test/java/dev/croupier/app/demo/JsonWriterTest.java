package dev.croupier.app.demo;

import dev.croupier.engine.internal.json.JsonWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void write_nestedObjects_placesCommasAndParses() {
    String json = new JsonWriter().beginObject()
        .member("a", 1)
        .name("b").beginObject().member("c", true).member("d", (Double) null).endObject()
        .member("e", 2.345)
        .endObject().toString();

    assertThat(json).isEqualTo("{\"a\":1,\"b\":{\"c\":true,\"d\":null},\"e\":2.3}");
    assertThat(MiniJson.parse(json)).isInstanceOf(Map.class);
  }

  @Test
  void write_stringsWithQuotesBackslashesAndControls_escapesThemAndRoundTrips() {
    String nasty = "q\"b\\n\nt\tz\u0000\u001f\u2028end";
    String json = new JsonWriter().beginObject().member(nasty, nasty).endObject().toString();

    assertThat(json).doesNotContain("\n").doesNotContain("\u0000").doesNotContain("\u2028");
    @SuppressWarnings("unchecked")
    Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(json);
    assertThat(parsed).containsEntry(nasty, nasty);
  }

  @Test
  void write_nonFiniteNumber_writesNull() {
    String json = new JsonWriter().beginObject().member("x", Double.NaN).endObject().toString();

    assertThat(json).isEqualTo("{\"x\":null}");
  }

  @Test
  void write_valueWithoutName_throws() {
    JsonWriter w = new JsonWriter().beginObject();

    assertThatThrownBy(() -> w.value(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void toString_withOpenObject_throws() {
    JsonWriter w = new JsonWriter().beginObject().member("a", 1);

    assertThatThrownBy(w::toString).isInstanceOf(IllegalStateException.class);
  }
}
