package dev.croupier.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.UnknownFieldSet;
import dev.croupier.proto.v1.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden frame (conformance/golden) through the Java protocol classes: the description
 * encodes to exactly the frame's bytes, and the bytes decode back to the description.
 */
class GoldenFramesTest {

  @TestFactory
  List<DynamicTest> goldenFrames() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : Suite.files("golden")) {
      for (JsonNode c : Suite.read(file).get("cases")) {
        tests.add(DynamicTest.dynamicTest(Suite.stem(file) + "/" + c.get("name").asText(), () -> check(c)));
      }
    }
    assertThat(tests).hasSizeGreaterThan(40);
    return tests;
  }

  private static void check(JsonNode c) throws Exception {
    Envelope expected = Frames.parseJson(c.get("envelope").toString());
    String frame = c.get("frame").asText();
    if (!c.path("decodeOnly").asBoolean(false)) {
      assertThat(Frames.hex(Frames.frame(expected))).as("encoded frame").isEqualTo(frame);
    }
    ByteArrayInputStream in = new ByteArrayInputStream(Frames.unhex(frame));
    Envelope decoded = Envelope.parseDelimitedFrom(in);
    assertThat(in.available()).as("bytes after the frame").isZero();
    // Unknown fields are skipped by a decoder, not part of the description.
    decoded = decoded.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build();
    assertThat(decoded).as("decoded envelope").isEqualTo(expected);
  }
}
