package dev.croupier.engine.internal.script;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Decodes raw script replies (Long, byte[] and nested List) into Java values. */
public final class Replies {
  private Replies() {}

  /** A reply as a long (integer replies, or numeric bulk strings). */
  public static long asLong(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return (long) Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a double. */
  public static double asDouble(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return Double.parseDouble(new String(b, StandardCharsets.UTF_8));
    }
    throw new IllegalStateException("expected a number from Redis, got " + describe(reply));
  }

  /** A reply as a string, or null for a nil reply. */
  public static String asString(Object reply) {
    if (reply == null) {
      return null;
    }
    if (reply instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (reply instanceof Long l) {
      return Long.toString(l);
    }
    throw new IllegalStateException("expected a string from Redis, got " + describe(reply));
  }

  /** A reply as raw bytes. */
  public static byte[] asBytes(Object reply) {
    if (reply instanceof byte[] b) {
      return b;
    }
    return reply == null ? new byte[0] : asString(reply).getBytes(StandardCharsets.UTF_8);
  }

  /** A multi-bulk reply. */
  @SuppressWarnings("unchecked")
  public static List<Object> asList(Object reply) {
    if (reply instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new IllegalStateException("expected a list from Redis, got " + describe(reply));
  }

  private static String describe(Object reply) {
    return reply == null ? "nil" : reply.getClass().getSimpleName();
  }
}
