package dev.croupier.bench.report;

import dev.croupier.engine.internal.json.JsonWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for report trees: maps (key order kept), lists, primitive arrays, strings,
 * numbers, booleans and null. Non-finite numbers become null, since JSON has no NaN.
 */
public final class Json {

  private Json() {}

  /** {@code value} as indented JSON. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0);
    return out.append('\n').toString();
  }

  private static void write(StringBuilder out, Object v, int indent) {
    switch (v) {
      case null -> out.append("null");
      case String s -> quote(out, s);
      case Boolean b -> out.append(b);
      case Double d -> number(out, d);
      case Float f -> number(out, f.doubleValue());
      case Number n -> out.append(n);
      case Map<?, ?> m -> object(out, m, indent);
      case List<?> l -> array(out, l.iterator(), l.isEmpty(), indent);
      case double[] a -> array(out, java.util.Arrays.stream(a).boxed().iterator(), a.length == 0, indent);
      case long[] a -> array(out, java.util.Arrays.stream(a).boxed().iterator(), a.length == 0, indent);
      case int[] a -> array(out, java.util.Arrays.stream(a).boxed().iterator(), a.length == 0, indent);
      case Enum<?> e -> quote(out, e.name());
      default -> quote(out, v.toString());
    }
  }

  private static void number(StringBuilder out, double d) {
    if (Double.isFinite(d)) {
      out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
    } else {
      out.append("null");
    }
  }

  private static void object(StringBuilder out, Map<?, ?> m, int indent) {
    if (m.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append("{\n");
    Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<?, ?> e = it.next();
      pad(out, indent + 1);
      quote(out, String.valueOf(e.getKey()));
      out.append(": ");
      write(out, e.getValue(), indent + 1);
      out.append(it.hasNext() ? ",\n" : "\n");
    }
    pad(out, indent);
    out.append('}');
  }

  private static void array(StringBuilder out, Iterator<?> it, boolean empty, int indent) {
    if (empty) {
      out.append("[]");
      return;
    }
    // Arrays of plain numbers stay on one line: they are series, and one per line is unreadable.
    StringBuilder flat = new StringBuilder("[");
    boolean scalar = true;
    List<Object> items = new java.util.ArrayList<>();
    it.forEachRemaining(items::add);
    for (Object o : items) {
      if (o instanceof Map<?, ?> || o instanceof List<?> || o instanceof String) {
        scalar = false;
        break;
      }
    }
    if (scalar) {
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          flat.append(", ");
        }
        write(flat, items.get(i), indent);
      }
      out.append(flat).append(']');
      return;
    }
    out.append("[\n");
    for (int i = 0; i < items.size(); i++) {
      pad(out, indent + 1);
      write(out, items.get(i), indent + 1);
      out.append(i + 1 < items.size() ? ",\n" : "\n");
    }
    pad(out, indent);
    out.append(']');
  }

  private static void pad(StringBuilder out, int indent) {
    out.append("  ".repeat(indent));
  }

  private static void quote(StringBuilder out, String s) {
    JsonWriter.appendString(out, s);
  }
}
