package dev.croupier.engine.internal.json;

/**
 * A minimal JSON writer for the demo's report: objects, strings, numbers, booleans and null, with
 * commas placed for the caller; its string escaping also serves the benchmark reports. Not a
 * general library: it keeps the project free of a JSON dependency for a few small documents.
 */
public final class JsonWriter {

  private final StringBuilder out = new StringBuilder();
  /** Whether the next member or element needs a comma before it, per open container. */
  private boolean[] needsComma = new boolean[8];
  private int depth;
  private boolean afterName;

  /** Opens an object. */
  public JsonWriter beginObject() {
    beforeValue();
    out.append('{');
    if (++depth == needsComma.length) {
      needsComma = java.util.Arrays.copyOf(needsComma, depth * 2);
    }
    needsComma[depth] = false;
    return this;
  }

  /** Closes the innermost object. */
  public JsonWriter endObject() {
    if (depth == 0 || afterName) {
      throw new IllegalStateException("endObject without a matching beginObject or after a name");
    }
    depth--;
    out.append('}');
    return this;
  }

  /** Writes a member name; the next call writes its value. */
  public JsonWriter name(String name) {
    if (depth == 0 || afterName) {
      throw new IllegalStateException("name '" + name + "' outside an object or after a name");
    }
    if (needsComma[depth]) {
      out.append(',');
    }
    needsComma[depth] = true;
    string(name);
    out.append(':');
    afterName = true;
    return this;
  }

  /** Writes a string (or null). */
  public JsonWriter value(String s) {
    beforeValue();
    if (s == null) {
      out.append("null");
    } else {
      string(s);
    }
    return this;
  }

  /** Writes a number. */
  public JsonWriter value(long n) {
    beforeValue();
    out.append(n);
    return this;
  }

  /** Writes a boolean. */
  public JsonWriter value(boolean b) {
    beforeValue();
    out.append(b);
    return this;
  }

  /** A number rounded to 0.1 (milliseconds are the demo's unit), or null. */
  public JsonWriter value(Double d) {
    beforeValue();
    if (d == null || d.isNaN() || d.isInfinite()) {
      out.append("null");
    } else {
      out.append(Math.round(d * 10) / 10.0);
    }
    return this;
  }

  /** A number rounded to 0.1, or null, under {@code name}. */
  public JsonWriter member(String name, Double d) {
    return name(name).value(d);
  }

  /** Writes a named number member. */
  public JsonWriter member(String name, long n) {
    return name(name).value(n);
  }

  /** Writes a named string member. */
  public JsonWriter member(String name, String s) {
    return name(name).value(s);
  }

  /** Writes a named boolean member. */
  public JsonWriter member(String name, boolean b) {
    return name(name).value(b);
  }

  @Override
  public String toString() {
    if (depth != 0) {
      throw new IllegalStateException(depth + " object(s) still open");
    }
    return out.toString();
  }

  private void beforeValue() {
    if (depth > 0 && !afterName) {
      throw new IllegalStateException("a value inside an object needs a name first");
    }
    if (depth == 0 && !out.isEmpty()) {
      throw new IllegalStateException("only one top-level value");
    }
    afterName = false;
  }

  private void string(String s) {
    appendString(out, s);
  }

  /** Appends {@code s} as a JSON string literal, escaped (shared by every JSON the project writes). */
  public static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Other control characters, and the two separators JavaScript treats as line ends.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
