package dev.croupier.engine.internal.script;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds the byte-array KEYS and ARGV lists scripts take. */
public final class Args {

  private final List<byte[]> items = new ArrayList<>();

  /** An empty list. */
  public static Args of() {
    return new Args();
  }

  /** Adds a string (UTF-8). */
  public Args add(String s) {
    items.add(s.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Adds a number. */
  public Args add(long n) {
    return add(Long.toString(n));
  }

  /** Adds raw bytes (payloads). */
  public Args add(byte[] b) {
    items.add(b);
    return this;
  }

  /** The list to hand to a script. */
  public List<byte[]> list() {
    return items;
  }
}
