package dev.croupier.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Every JSON the benchmarks and the demo write or read, through Jackson: maps (key order kept),
 * lists, arrays, records, strings, numbers, booleans and null. Non-finite doubles are written as
 * null, since JSON has no NaN or infinity; reading is strict (one value, no duplicate keys).
 */
public final class Json {

  // Configured once here and never changed afterwards: Jackson mappers are then thread-safe.
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .addModule(new SimpleModule("finite-doubles")
          .addSerializer(Double.class, new FiniteDouble())
          .addSerializer(double.class, new FiniteDouble())
          .addSerializer(double[].class, new FiniteDoubles()))
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final ObjectWriter INDENTED = MAPPER.writer(new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private Json() {}

  /** {@code value} as indented JSON ending in a newline: report files people also read. */
  public static String write(Object value) {
    try {
      return INDENTED.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not write " + value.getClass().getName() + " as JSON", e);
    }
  }

  /** {@code value} as JSON on one line: output another program reads. */
  public static String compact(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not write " + value.getClass().getName() + " as JSON", e);
    }
  }

  /**
   * Parses {@code text}, which must hold exactly one JSON value; throws {@link UncheckedIOException}
   * naming what is malformed otherwise.
   */
  public static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("not one well-formed JSON value: " + e.getOriginalMessage(), e);
    }
  }

  /** A double, or null when it is NaN or infinite. */
  private static final class FiniteDouble extends StdSerializer<Double> {
    FiniteDouble() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      if (Double.isFinite(value)) {
        gen.writeNumber(value);
      } else {
        gen.writeNull();
      }
    }
  }

  /** A double array, each NaN or infinite element written as null. */
  private static final class FiniteDoubles extends StdSerializer<double[]> {
    FiniteDoubles() {
      super(double[].class);
    }

    @Override
    public void serialize(double[] values, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartArray(values, values.length);
      for (double v : values) {
        if (Double.isFinite(v)) {
          gen.writeNumber(v);
        } else {
          gen.writeNull();
        }
      }
      gen.writeEndArray();
    }
  }
}
