package dev.croupier.conformance;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.croupier.proto.v1.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/** Envelopes to and from the suite's forms: proto3 JSON and framed bytes. */
final class Frames {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private Frames() {}

  static Envelope parseJson(String json) {
    Envelope.Builder b = Envelope.newBuilder();
    try {
      PARSER.merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an Envelope in proto3 JSON: " + json + ": " + e.getMessage(), e);
    }
    return b.build();
  }

  static String toJson(Envelope e) {
    try {
      return PRINTER.print(e);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The frame: varint32 length, then the envelope serialized deterministically (map entries in key
   * order), as {@code Envelope.writeDelimitedTo} does with a deterministic stream.
   */
  static byte[] frame(Envelope e) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      out.writeUInt32NoTag(e.getSerializedSize());
      e.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
